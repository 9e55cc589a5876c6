import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { MemoryStore, createRegistry } from '../src/index.js';
import { NotFoundError, createLoader, createRegistryReader } from '../src/loader/index.js';

const builtEntry = fileURLToPath(new URL('../dist/loader/index.js', import.meta.url));
let cacheDir: string;

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'modelreg-loader-entry-'));
});

afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

it('loads production through a read-only RegistryReader, the way a serverless function does', async () => {
  const backend = new MemoryStore();
  const writer = createRegistry({ backend, prefix: 'team' });
  const pushed = await writer.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.from('weights v1') }]);
  await writer.promote(pushed.ref);

  const reader = createRegistryReader({ backend, prefix: 'team' });
  expect(reader.location).toBe(writer.location); // one cache serves both
  expect('push' in reader).toBe(false);
  const model = await createLoader({ registry: reader, cacheDir }).load('shop/sales/xgb@production');
  expect(model.version).toBe(pushed.version);
  expect(await readFile(join(model.dir, 'model.bin'), 'utf8')).toBe('weights v1');
  await expect(reader.resolve('shop/sales/xgb@staging')).rejects.toBeInstanceOf(NotFoundError);
});

it('keeps the write side, maintenance, import and classic zod out of a bundle of the loader entry', async () => {
  expect(existsSync(builtEntry)).toBe(true); // bundles what was built: run `pnpm build` first
  const result = await build({ entryPoints: [builtEntry], bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, outfile: 'loader.mjs', logLevel: 'silent' });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.some((path) => path.includes('/loader/loader.js'))).toBe(true); // the probe sees the bundle's modules
  const unwanted = ['/maintenance/', '/import/', '/transfer/', '/catalog/', '/registry/registry.js', '/registry/publish.js', '/node_modules/yaml/', '/zod/v4/classic/'];
  expect(inputs.filter((path) => unwanted.some((part) => path.includes(part)))).toEqual([]);
});
