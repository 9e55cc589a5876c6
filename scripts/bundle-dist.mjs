// The second half of `pnpm build`: after `tsc -b` has type-checked and written the .d.ts files,
// esbuild writes each published package's JavaScript: one file per `exports` entry, with the
// modules two entries share in common chunks (so `@modelreg/core/backend` and `@modelreg/core`
// hand out the same error classes), and `zod/mini` inlined and tree-shaken. Installed as separate
// modules, `zod/mini` alone costs a serverless cold start about 90 ms (its whole core, ~90 files,
// is evaluated); bundled, only the functions our schemas call are parsed. Every other dependency
// stays an import, so users' dependency resolution and patches still apply.
//
//   node scripts/bundle-dist.mjs            (after tsc -b; `pnpm build` runs both)
//   node scripts/bundle-dist.mjs --clean    (removes the bundles; `pnpm clean` runs it)
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
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

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

const externalUnlessInlined = {
  name: 'external-unless-inlined',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      INLINED.has(path) ? undefined : { path, external: true },
    );
  },
};

/** Maps each `exports` entry's `./dist/x/y.js` to its source `src/x/y.ts`, keyed by `x/y`. */
async function entryPoints(dir) {
  const { exports } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const entries = {};
  for (const target of Object.values(exports)) {
    const name = target.default.match(/^\.\/dist\/(.+)\.js$/)?.[1];
    if (name === undefined) throw new Error(`${dir}: export ${target.default} is not a ./dist/*.js file`);
    entries[name] = join(dir, 'src', `${name}.ts`);
  }
  return entries;
}

/** tsc writes only declarations into these packages' dist, so every .js there is a previous bundle's. */
async function removeOldBundles(dist) {
  const files = await readdir(dist, { recursive: true }).catch(() => []); // none before the first build
  await Promise.all(files.filter((file) => /\.js(\.map)?$/.test(file)).map((file) => rm(join(dist, file))));
}

/**
 * Bundles one package's entries into its `dist`. With `write: false` nothing is written and the
 * result (with its metafile) is returned, which is how the tests inspect what an entry loads.
 */
export async function bundlePackage(name, { write = true } = {}) {
  const dir = join(packagesDir, name);
  if (write) await removeOldBundles(join(dir, 'dist'));
  return build({
    absWorkingDir: dir,
    entryPoints: await entryPoints(dir),
    outdir: join(dir, 'dist'),
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    plugins: [externalUnlessInlined],
    metafile: true,
    write,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `--clean` (run by `pnpm clean` after `tsc -b --clean`, which knows nothing of the bundles) only removes them.
  const clean = process.argv.includes('--clean');
  await Promise.all(BUNDLED_PACKAGES.map((name) => (clean ? removeOldBundles(join(packagesDir, name, 'dist')) : bundlePackage(name))));
}
