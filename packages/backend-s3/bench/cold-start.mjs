// A serverless cold start: a new process that imports modelreg, resolves `@production` and loads a
// small model into an empty cache, next to a new process that imports the raw SDK and downloads
// the same bytes with one GetObject. Both run against one S3 server in one run, alternating; then
// both again as esbuild bundles, the way serverless functions are usually deployed, and the bundles'
// sizes are reported.
//
//   pnpm bench:cold-start [-- --size-mib 5 --rounds 15]
//
// Uses the same server as the tests (MODELREG_TEST_S3_* variables, else MinIO when a Docker daemon
// answers, else a native Ceph RADOS Gateway) and stops it afterwards.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { KeyScheme, createRegistry } from '@modelreg/core';
import { S3Store } from '@modelreg/backend-s3';
import { startTestServers } from '@modelreg/testing';
import { benchSettings } from '../../../bench/support/args.mjs';
import { cleanUpBench, ensureBucket } from '../../../bench/support/s3.mjs';
import { median } from '../../../bench/support/median.mjs';

const settings = benchSettings({
  usage: 'pnpm bench:cold-start [-- options]   (or: node packages/backend-s3/bench/cold-start.mjs [options], after pnpm build)',
  about: 'Cold start of a loader process (import, resolve @production, load) against the raw SDK downloading the same bytes.',
  options: {
    'size-mib': { kind: 'integer', default: 5, help: 'size of the model in MiB' },
    rounds: { kind: 'integer', default: 15, min: 3, help: 'alternating rounds; medians are reported' },
  },
});
const MIB = 1024 * 1024;
const BUCKET = 'modelreg-bench';
const PREFIX = `bench-cold-${Date.now().toString(36)}`;
const LINE = 'bench/model/cold';
const script = (name) => fileURLToPath(new URL(`./cold-start/${name}`, import.meta.url));
const run = promisify(execFile);

/** Runs one child process and returns its own figures plus the wall time of the whole process. */
async function coldStart(path, env) {
  const start = performance.now();
  const { stdout } = await run(process.execPath, [path], { env: { ...process.env, ...env } });
  return { processMs: performance.now() - start, ...JSON.parse(stdout) };
}

/** One minified ESM file, as esbuild-based serverless tooling deploys a function. */
async function bundle(entry, outfile) {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The SDK's CommonJS modules require node built-ins; an ESM bundle needs a require for them.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'error',
  });
  return { path: outfile, bytes: (await stat(outfile)).size, byPackage: bytesByPackage(Object.values(result.metafile.outputs)[0].inputs) };
}

/** Output bytes per npm package (and per modelreg package), to show what a bundle is made of. */
function bytesByPackage(inputs) {
  const sizes = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    // The function scripts live in backend-s3's bench folder: they must not hide backend-s3 itself.
    const name = path.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/)?.[1] ??
      (path.includes('/bench/') ? 'function script' : path.match(/packages\/([^/]+)\//)?.[1]) ?? path;
    sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
  }
  return sizes;
}

async function main() {
  const servers = await startTestServers(['s3']);
  const [server] = servers.servers;
  const work = await mkdtemp(join(tmpdir(), 'modelreg-cold-start-'));
  const { endpoint, region, accessKeyId, secretAccessKey } = server.connection;
  const store = new S3Store({ bucket: BUCKET, endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  try {
    await ensureBucket(store.client, BUCKET);
    const registry = createRegistry({ backend: store, prefix: PREFIX });
    const bytes = settings.sizeMib * MIB;
    const pushed = await registry.push(LINE, [{ name: 'model.bin', body: randomBytes(bytes) }]);
    await registry.promote(pushed.ref);
    const common = {
      MODELREG_COLD_BUCKET: BUCKET,
      MODELREG_COLD_ENDPOINT: endpoint,
      MODELREG_COLD_REGION: region,
      MODELREG_COLD_PREFIX: PREFIX,
      MODELREG_COLD_LINE: LINE,
      MODELREG_COLD_BYTES: String(bytes),
      MODELREG_COLD_KEY: new KeyScheme(PREFIX).blobKey(pushed.manifest.artifacts[0].digest),
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    };
    console.log(`server: ${server.description}`);
    console.log(`node ${process.version}; a ${settings.sizeMib} MiB model; ${settings.rounds} rounds, alternating which side goes first\n`);
    const bundles = {
      modelreg: await bundle(script('modelreg-load.mjs'), join(work, 'modelreg-load.bundle.mjs')),
      raw: await bundle(script('raw-sdk-load.mjs'), join(work, 'raw-sdk-load.bundle.mjs')),
    };
    const programs = {
      modelreg: script('modelreg-load.mjs'),
      raw: script('raw-sdk-load.mjs'),
      modelregBundled: bundles.modelreg.path,
      rawBundled: bundles.raw.path,
    };
    const sides = Object.fromEntries(Object.keys(programs).map((side) => [side, []]));
    for (let round = 0; round < settings.rounds; round++) {
      // Rotate which side goes first, so drift in the machine's load hits every side alike.
      const order = Object.keys(programs);
      for (let shift = 0; shift < round % order.length; shift++) order.push(order.shift());
      for (const side of order) {
        const target = join(work, `${side}-${round}`);
        sides[side].push(await coldStart(programs[side], { ...common, MODELREG_COLD_TARGET: target }));
        await rm(target, { recursive: true, force: true });
      }
    }
    const table = (title, modelreg, raw) => {
      console.log(`${title.padEnd(38)} ${'modelreg'.padStart(9)} ${'raw SDK'.padStart(11)}   ratio`);
      const row = (label, pick) => {
        const a = median(sides[modelreg].map(pick));
        const b = median(sides[raw].map(pick));
        console.log(`  ${label.padEnd(36)} ${a.toFixed(0).padStart(6)} ms ${b.toFixed(0).padStart(8)} ms   ${(a / b).toFixed(2)}x`);
      };
      row('import', (f) => f.importMs);
      row('import + resolve + load, in process', (f) => f.totalMs);
      row('whole process, spawn to exit', (f) => f.processMs);
      row('CPU time of the process', (f) => f.cpuMs);
      console.log('');
    };
    table(`packages as installed (medians of ${settings.rounds})`, 'modelreg', 'raw');
    table('esbuild bundles, minified', 'modelregBundled', 'rawBundled');
    const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
    console.log(
      `bundle sizes: loader function ${kib(bundles.modelreg.bytes)}, raw SDK function ${kib(bundles.raw.bytes)}; ` +
        `modelreg adds ${kib(bundles.modelreg.bytes - bundles.raw.bytes)}`,
    );
    const added = [...bundles.modelreg.byPackage].filter(([name]) => !bundles.raw.byPackage.has(name)).sort((a, b) => b[1] - a[1]);
    console.log(`what it adds: ${added.map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}`);
  } finally {
    await cleanUpBench({ work, client: store.client, bucket: BUCKET, prefix: `${PREFIX}/`, servers });
  }
}

await main();
