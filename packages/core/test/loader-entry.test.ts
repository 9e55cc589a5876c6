import { expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { MemoryStore, createRegistry } from '../src/index.js';
import { NotFoundError, createLoader, createRegistryReader } from '../src/loader/index.js';
import { tempDirPerTest } from '../src/testing/index.js';
import { BUNDLED_PACKAGES, bundlePackage } from '../../../scripts/bundle-dist.mjs';

const coreDir = fileURLToPath(new URL('..', import.meta.url));
const builtEntry = join(coreDir, 'dist/loader/index.js');
const cache = tempDirPerTest('loader-entry');

it('loads production through a read-only RegistryReader, the way a serverless function does', async () => {
  const backend = new MemoryStore();
  const writer = createRegistry({ backend, prefix: 'team' });
  const pushed = await writer.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.from('weights v1') }]);
  await writer.promote(pushed.ref);

  const reader = createRegistryReader({ backend, prefix: 'team' });
  expect(reader.location).toBe(writer.location); // one cache serves both
  expect('push' in reader).toBe(false);
  const model = await createLoader({ registry: reader, cacheDir: cache.path }).load('shop/sales/xgb@production');
  expect(model.version).toBe(pushed.version);
  expect(await readFile(join(model.dir, 'model.bin'), 'utf8')).toBe('weights v1');
  await expect(reader.resolve('shop/sales/xgb@staging')).rejects.toBeInstanceOf(NotFoundError);
});

/** Source files and external imports an entry of core's published build loads when imported (not what it imports dynamically later). */
async function staticClosure(entry: string) {
  const { metafile } = await bundlePackage('core', { write: false });
  const outputs = new Map(Object.entries(metafile.outputs)); // paths relative to the package, like the imports between them
  const sources = new Set<string>();
  const externals = new Set<string>();
  const pending = [`dist/${entry}.js`];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const output = outputs.get(next);
    if (output === undefined || sources.has(next)) continue;
    sources.add(next);
    for (const input of Object.keys(output.inputs)) sources.add(input);
    for (const imported of output.imports.filter((edge) => edge.kind === 'import-statement')) {
      if (imported.external) externals.add(imported.path);
      else pending.push(imported.path);
    }
  }
  return { sources: [...sources], externals: [...externals] };
}

it('keeps the write side, maintenance, import, yaml and classic zod out of what the loader entry loads', async () => {
  const { sources, externals } = await staticClosure('loader/index');
  expect(sources).toContain('src/loader/loader.ts'); // the probe sees the entry's modules
  expect(sources.some((path) => path.includes('/zod/v4/mini/'))).toBe(true); // zod/mini is inlined
  const unwanted = ['/maintenance/', '/import/', '/transfer/', '/catalog/', 'src/registry/registry.ts', 'src/registry/publish.ts', '/zod/v4/classic/', '/zod/v4/locales/'];
  expect(sources.filter((path) => unwanted.some((part) => path.includes(part)))).toEqual([]);
  expect(externals.filter((name) => !name.startsWith('node:')).sort()).toEqual(['lru-cache', 'p-limit']); // yaml, zod and the lock library stay out
  expect(externals).not.toContain('node:worker_threads'); // hashing threads are loaded when a large blob first needs them
  // The same probe on the full entry finds what the loader leaves out.
  const full = await staticClosure('index');
  expect(full.sources.some((path) => path.includes('src/maintenance/'))).toBe(true);
  expect(full.externals).toContain('zod');
});

it('loads in three files: the entry and the chunks it shares with the full entry and with the backend entry', async () => {
  // Every entry built with code splitting cuts the shared modules into more chunks, and every file
  // costs a cold start; entries for tests and old paths are built apart (THIN_ENTRIES in bundle-dist).
  const { sources } = await staticClosure('loader/index');
  const files = sources.filter((path) => path.startsWith('dist/'));
  expect(files).toContain('dist/loader/index.js');
  expect(files.filter((path) => path.startsWith('dist/chunks/'))).toHaveLength(2);
});

it('keeps zod out of the backends\' bundles: they build their options with the z core exports', async () => {
  const backends = BUNDLED_PACKAGES.filter((name) => name !== 'core');
  expect(backends).toContain('backend-s3');
  for (const name of backends) {
    const { metafile } = await bundlePackage(name, { write: false });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((path) => path.startsWith('src/'))).toBe(true); // the probe sees the backend's own modules
    expect({ name, zod: inputs.filter((path) => path.includes('/zod/')) }).toEqual({ name, zod: [] });
  }
});

it("leaves a user's bundle of the built loader entry without yaml, zod from node_modules or the write side", async () => {
  expect(existsSync(builtEntry)).toBe(true); // bundles what was built: run `pnpm build` first
  const result = await build({ entryPoints: [builtEntry], bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, outfile: 'loader.mjs', logLevel: 'silent' });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.some((path) => path.includes('/dist/chunks/'))).toBe(true); // the probe sees the built chunks
  expect(inputs.filter((path) => ['/node_modules/yaml/', '/node_modules/zod/', '/dist/index.js'].some((part) => path.includes(part)))).toEqual([]);
});
