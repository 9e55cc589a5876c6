// A serverless cold start: a new process that imports modelreg, resolves `@production` and loads a
// small model into an empty cache, next to a new process that imports the raw SDK and downloads
// the same bytes with one GetObject. Both run against one S3 server in one run, alternating.
//
//   pnpm bench:cold-start [-- --size-mib 5 --rounds 15]
//
// Uses the same server as the tests (MODELREG_TEST_S3_* variables, else MinIO when a Docker daemon
// answers, else a native Ceph RADOS Gateway) and stops it afterwards.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { KeyScheme, createRegistry } from '@modelreg/core';
import { PrefixedStore } from '@modelreg/core/testing/helpers';
import { S3Store } from '@modelreg/backend-s3';
import { startS3TestServer } from '../test/server/s3-test-server.mjs';
import { benchSettings } from '../../../bench/support/args.mjs';

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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs one child process and returns its own figures plus the wall time of the whole process. */
async function coldStart(name, env) {
  const start = performance.now();
  const { stdout } = await run(process.execPath, [script(name)], { env: { ...process.env, ...env } });
  return { processMs: performance.now() - start, ...JSON.parse(stdout) };
}

async function main() {
  const server = await startS3TestServer();
  process.once('exit', () => server.stopSync());
  const work = await mkdtemp(join(tmpdir(), 'modelreg-cold-start-'));
  const { endpoint, region, accessKeyId, secretAccessKey } = server.config;
  const store = new S3Store({ bucket: BUCKET, endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  try {
    await store.client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error) => {
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
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
    const sides = { modelreg: [], raw: [] };
    for (let round = 0; round < settings.rounds; round++) {
      const order = round % 2 === 0 ? ['modelreg', 'raw'] : ['raw', 'modelreg'];
      for (const side of order) {
        const target = join(work, `${side}-${round}`);
        const figures = await coldStart(side === 'modelreg' ? 'modelreg-load.mjs' : 'raw-sdk-load.mjs', { ...common, MODELREG_COLD_TARGET: target });
        sides[side].push(figures);
        await rm(target, { recursive: true, force: true });
      }
    }
    const row = (label, pick) => {
      const a = median(sides.modelreg.map(pick));
      const b = median(sides.raw.map(pick));
      console.log(`${label.padEnd(34)} ${a.toFixed(0).padStart(6)} ms ${b.toFixed(0).padStart(8)} ms   ${(a / b).toFixed(2)}x`);
    };
    console.log(`${'median of each side'.padEnd(34)} ${'modelreg'.padStart(9)} ${'raw SDK'.padStart(11)}   ratio`);
    row('import', (f) => f.importMs);
    row('import + resolve + load (in process)', (f) => f.totalMs);
    row('whole process (spawn to exit)', (f) => f.processMs);
    row('CPU time of the process', (f) => f.cpuMs);
  } finally {
    await rm(work, { recursive: true, force: true });
    try {
      await new PrefixedStore(store, `${PREFIX}/`).clear();
    } finally {
      await server.stop();
    }
  }
}

await main();
