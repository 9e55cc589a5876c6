// The second half of `pnpm build`: after `tsc -b` has type-checked and written the .d.ts files,
// esbuild writes each published package's JavaScript: one file per `exports` entry, with the
// modules two entries share in common chunks (so `@modelreg/core/backend` and `@modelreg/core`
// hand out the same error classes), and `zod/mini` inlined and tree-shaken. Installed as separate
// modules, `zod/mini` alone costs a serverless cold start about 90 ms (its whole core, ~90 files,
// is evaluated); bundled, only the functions our schemas call are parsed. Every other dependency
// stays an import, so users' dependency resolution and patches still apply.
//
// Code splitting makes one chunk per set of entries that share a module, so every entry in the
// split cuts what a loader loads into more files, each costing a cold start about half a
// millisecond. Entries for tests and old import paths (THIN_ENTRIES) are therefore built in a
// second pass, reaching the rest of their package only through its public entries, by name.
//
//   node scripts/bundle-dist.mjs            (after tsc -b; `pnpm build` runs both)
//   node scripts/bundle-dist.mjs --clean    (removes the bundles; `pnpm clean` runs it)
import { readFile, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The packages whose JavaScript is bundled: core and the backends a loader imports. */
export const BUNDLED_PACKAGES = ['core', 'backend-local', 'backend-s3', 'backend-azure'];

/**
 * Imports copied into the bundles; every other bare import stays external. Classic `zod` stays
 * external: `import { z } from 'zod'` is a namespace esbuild cannot tree-shake, and inlined it would
 * put all of zod (locales too) into the chunks the loader entry shares with the full entry.
 */
const INLINED = new Set(['zod/mini', 'zod/v4/core']);

/** Per package, the entries built in the second pass (see above), named like their `dist` files. */
const THIN_ENTRIES = { core: new Set(['fs/index', 'testing/index', 'testing/helpers']) };

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

const externalUnlessInlined = {
  name: 'external-unless-inlined',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      INLINED.has(path) ? undefined : { path, external: true },
    );
  },
};

/** Reads the `exports` map: each entry's source `src/x/y.ts` and its specifier, keyed by `x/y`. */
async function entryPoints(dir) {
  const { name: packageName, exports } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const entries = {};
  for (const [subpath, target] of Object.entries(exports)) {
    const name = target.default.match(/^\.\/dist\/(.+)\.js$/)?.[1];
    if (name === undefined) throw new Error(`${dir}: export ${target.default} is not a ./dist/*.js file`);
    entries[name] = { source: join(dir, 'src', `${name}.ts`), specifier: join(packageName, subpath) };
  }
  return entries;
}

/**
 * For the second pass: an import of one of the package's split entries becomes an import of that
 * entry by name (Node resolves a package's own name through its `exports`), so the thin entries
 * share the first pass's modules instead of bundling copies of them.
 */
function throughPublicEntries(splitEntries) {
  const specifierOf = new Map(Object.values(splitEntries).map(({ source, specifier }) => [source, specifier]));
  return {
    name: 'through-public-entries',
    setup(build) {
      build.onResolve({ filter: /^\./ }, ({ path, resolveDir }) => {
        const specifier = specifierOf.get(resolve(resolveDir, path).replace(/\.js$/, '.ts'));
        return specifier === undefined ? undefined : { path: specifier, external: true };
      });
    },
  };
}

/** tsc writes only declarations into these packages' dist, so every .js there is a previous bundle's. */
async function removeOldBundles(dist) {
  const files = await readdir(dist, { recursive: true }).catch(() => []); // none before the first build
  await Promise.all(files.filter((file) => /\.js(\.map)?$/.test(file)).map((file) => rm(join(dist, file))));
}

/**
 * Bundles one package's entries into its `dist`. With `write: false` nothing is written and the
 * metafile of both passes is returned, which is how the tests inspect what an entry loads.
 */
export async function bundlePackage(name, { write = true } = {}) {
  const dir = join(packagesDir, name);
  if (write) await removeOldBundles(join(dir, 'dist'));
  const entries = await entryPoints(dir);
  const thin = THIN_ENTRIES[name] ?? new Set();
  const pick = (wanted) => Object.fromEntries(Object.entries(entries).filter(([entry]) => thin.has(entry) === wanted));
  const split = pick(false);
  const passes = [{ entries: split, plugins: [externalUnlessInlined] }];
  if (thin.size > 0) passes.push({ entries: pick(true), plugins: [throughPublicEntries(split), externalUnlessInlined] });
  const results = await Promise.all(passes.map(({ entries: pass, plugins }) =>
    build({
      absWorkingDir: dir,
      entryPoints: Object.fromEntries(Object.entries(pass).map(([entry, { source }]) => [entry, source])),
      outdir: join(dir, 'dist'),
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: true,
      plugins,
      metafile: true,
      write,
      logLevel: 'warning',
    }),
  ));
  const metafile = { inputs: {}, outputs: {} };
  for (const result of results) {
    assertNoSharedInputs(metafile, result.metafile, name);
    Object.assign(metafile.inputs, result.metafile.inputs);
    Object.assign(metafile.outputs, result.metafile.outputs);
  }
  return { metafile };
}

/** A module bundled by both passes would exist twice at run time: two copies of its classes and state. */
function assertNoSharedInputs(first, second, name) {
  const twice = Object.keys(second.inputs).filter((input) => input in first.inputs && !input.includes('node_modules'));
  if (twice.length > 0) {
    throw new Error(`${name}: ${twice.join(', ')} would be bundled twice; import it in a thin entry through one of the package's public entries`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `--clean` (run by `pnpm clean` after `tsc -b --clean`, which knows nothing of the bundles) only removes them.
  const clean = process.argv.includes('--clean');
  await Promise.all(BUNDLED_PACKAGES.map((name) => (clean ? removeOldBundles(join(packagesDir, name, 'dist')) : bundlePackage(name))));
}
