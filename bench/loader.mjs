// Cold and warm loads of the inference loader on S3, against the raw SDK, on one server in one run:
// on loopback, and through a network shaper that gives each connection a real store's rate cap and
// first-byte latency (see support/shaper.mjs). The registry's pull, which downloads the same way
// into a folder, runs beside them. Reports throughput and CPU seconds per GiB of each side.
//
//   pnpm bench:loader [-- --size-mib 512 --small-mib 2 --rounds 3 --link-mbps 40 --latency-ms 20 --range-mib N --range-concurrency N]
//
// Uses the same server as the S3 tests (MODELREG_TEST_S3_* variables, else MinIO when a Docker
// daemon answers, else a native Ceph RADOS Gateway) and stops it afterwards. Settings: flags, or
// MODELREG_BENCH_<FLAG> variables (MODELREG_BENCH_SIZE_MIB, ...); --help lists them.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KeyScheme, createLoader, createRegistry } from '@modelreg/core';
import { pseudoRandomStream } from '@modelreg/core/testing/helpers';
import { S3Store } from '@modelreg/backend-s3';
import { startTestServers } from '@modelreg/testing';
import { benchSettings } from './support/args.mjs';
import { cleanUpBench, ensureBucket } from './support/s3.mjs';
import { startShaper } from './support/shaper.mjs';

// The SDK is a dependency of the S3 backend, not of the workspace root.
const { GetObjectCommand } = createRequire(
  new URL('../packages/backend-s3/package.json', import.meta.url),
)('@aws-sdk/client-s3');

const settings = benchSettings({
  usage: 'pnpm bench:loader [-- options]   (or: node bench/loader.mjs [options], after pnpm build)',
  about: 'Cold and warm loads of the inference loader on S3, against sequential GetObject with the raw SDK.',
  options: {
    'size-mib': { kind: 'integer', default: 512, help: 'size of the large artifact in MiB' },
    'small-mib': { kind: 'integer', default: 2, help: 'size of each of the five small artifacts in MiB' },
    rounds: { kind: 'integer', default: 3, help: 'alternating rounds; the median of each side is reported' },
    'range-mib': { kind: 'integer', defaultText: "the loader's", help: "size of the loader's ranged GETs in MiB" },
    'range-concurrency': { kind: 'integer', defaultText: "the loader's", help: 'ranged GETs in flight per blob' },
    'link-mbps': { kind: 'integer', default: 40, help: "the shaped link's rate per connection, in MB/s" },
    'latency-ms': { kind: 'integer', default: 20, min: 0, help: "the shaped link's first-byte latency per request, in ms" },
  },
});
const MIB = 1024 * 1024;
const MODEL_BYTES = settings.sizeMib * MIB;
const SMALL_BYTES = settings.smallMib * MIB;
const ROUNDS = settings.rounds;
const RANGE_OPTIONS = {
  ...(settings.rangeMib !== undefined ? { rangeBytes: settings.rangeMib * MIB } : {}),
  ...(settings.rangeConcurrency !== undefined ? { rangeConcurrency: settings.rangeConcurrency } : {}),
};
const BUCKET = 'modelreg-bench';
const PREFIX = `bench-loader-${Date.now().toString(36)}`;
const LINE = 'bench/model/xgb';
const TOTAL_BYTES = MODEL_BYTES + 5 * SMALL_BYTES;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mbPerSecond = (ms) => TOTAL_BYTES / 1e6 / (ms / 1000);

async function timed(work) {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

/** Counts the HTTP requests a client sends (every ranged GET, every page of a listing). */
function countRequests(client) {
  const counter = { requests: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.requests += 1;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'benchRequestCounter' },
  );
  return {
    async during(work) {
      const before = counter.requests;
      const { ms, result } = await timed(work);
      return { ms, result, requests: counter.requests - before };
    },
  };
}

/**
 * Cold loads on one link, each side in turn with the order rotated every round: the raw SDK's
 * sequential GetObject, the loader, the loader with one GET per blob. Prints MB/s and CPU seconds
 * per GiB (this process only: the server runs in its own) and returns the last loader cache folder.
 */
async function coldLoads(label, { client, registry, blobKeys, manifest, work: parent }) {
  // A folder per link: the last loader round's cache stays for the warm loads, and must not be
  // where the next link's loader round of the same number starts (it would find the model cached).
  const work = await mkdtemp(join(parent, 'link-'));
  const sides = { raw: [], loader: [], loaderPlainGet: [], pull: [] };
  const cpu = { raw: [], loader: [], loaderPlainGet: [], pull: [] };
  let lastCacheDir;
  const run = {
    // The baseline: what a function would do by hand, one GetObject after another, streamed to files.
    raw: async (round) => {
      const dir = join(work, `raw-${round}`);
      await mkdir(dir);
      for (const [index, key] of blobKeys.entries()) {
        const { Body } = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        await pipeline(Body, createWriteStream(join(dir, manifest.artifacts[index].name)));
      }
      return dir;
    },
    loader: async (round) => {
      const cacheDir = join(work, `cache-${round}`);
      await createLoader({ registry, cacheDir, ...RANGE_OPTIONS }).load(`${LINE}@production`);
      return cacheDir;
    },
    // The loader without its own ranges: one GetObject per blob.
    loaderPlainGet: async (round) => {
      const cacheDir = join(work, `plain-${round}`);
      await createLoader({ registry, cacheDir, rangeThresholdBytes: Number.MAX_SAFE_INTEGER }).load(`${LINE}@production`);
      return cacheDir;
    },
    // The registry's pull into a folder, with the registry's (default) range settings.
    pull: async (round) => {
      const dir = join(work, `pull-${round}`);
      await registry.pull(`${LINE}@production`, dir);
      return dir;
    },
  };
  console.log(`${label}:`);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate which side goes first, so drift in the machine's load hits every side alike.
    const order = Object.keys(run);
    for (let shift = 0; shift < round % order.length; shift++) order.push(order.shift());
    const line = [];
    for (const side of order) {
      const cpuBefore = process.cpuUsage();
      const { ms, result: dir } = await timed(() => run[side](round));
      const used = process.cpuUsage(cpuBefore);
      sides[side].push(ms);
      cpu[side].push((used.user + used.system) / 1e6 / (TOTAL_BYTES / 2 ** 30));
      line.push(`${side} ${mbPerSecond(ms).toFixed(0)} MB/s (${(ms / 1000).toFixed(2)} s)`);
      if (side === 'loader' && round === ROUNDS - 1) lastCacheDir = dir;
      else await rm(dir, { recursive: true, force: true });
    }
    console.log(`  round ${round + 1}: ${line.join('; ')}`);
  }
  const raw = median(sides.raw);
  const row = (name, side) => {
    const ms = median(sides[side]);
    const ratio = side === 'raw' ? '' : `   ratio ${(raw / ms).toFixed(2)}`;
    console.log(`  ${name.padEnd(36)} ${mbPerSecond(ms).toFixed(1).padStart(7)} MB/s  ${median(cpu[side]).toFixed(2)} CPU s/GiB${ratio}`);
  };
  console.log(`  cold load, median of ${ROUNDS} (${(TOTAL_BYTES / MIB).toFixed(0)} MiB):`);
  row('raw SDK, sequential GetObject', 'raw');
  row('loader, parallel ranged GETs', 'loader');
  row('loader, one get per blob', 'loaderPlainGet');
  row('registry.pull, parallel ranged GETs', 'pull');
  console.log('');
  return { lastCacheDir };
}

async function main() {
  const servers = await startTestServers(['s3']);
  const [server] = servers.servers;
  const work = await mkdtemp(join(tmpdir(), 'modelreg-loader-bench-'));
  const { endpoint, region, accessKeyId, secretAccessKey } = server.connection;
  const store = new S3Store({ bucket: BUCKET, endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  try {
    const client = store.client; // the raw side uses the very same client and connection settings
    await ensureBucket(client, BUCKET);
    const counter = countRequests(client);
    const registry = createRegistry({ backend: store, prefix: PREFIX });

    const artifacts = [
      { name: 'model.bin', body: pseudoRandomStream(MODEL_BYTES, PREFIX, 8 * MIB).stream },
      ...[1, 2, 3, 4, 5].map((n) => ({ name: `small-${n}.bin`, body: randomBytes(SMALL_BYTES) })),
    ];
    const pushed = await registry.push(LINE, artifacts);
    await registry.promote(pushed.ref);
    const blobKeys = pushed.manifest.artifacts.map((artifact) => new KeyScheme(PREFIX).blobKey(artifact.digest));

    console.log(`server: ${server.description}`);
    console.log(`node ${process.version}; model: one ${MODEL_BYTES / MIB} MiB artifact + five of ${SMALL_BYTES / MIB} MiB; ${ROUNDS} rounds`);
    const probe = createLoader({ registry, cacheDir: join(work, 'probe'), ...RANGE_OPTIONS }).options;
    console.log(
      `loader: ranged GETs of ${probe.rangeBytes / MIB} MiB, ${probe.rangeConcurrency} at once, for blobs >= ${probe.rangeThresholdBytes / MIB} MiB; ` +
        `${probe.concurrency} artifacts at once; a plain get is one GET\n`,
    );

    const loopback = await coldLoads('loopback', { client, registry, blobKeys, manifest: pushed.manifest, work });
    const shaper = await startShaper({ target: endpoint, bytesPerSecond: settings.linkMbps * 1e6, latencyMs: settings.latencyMs });
    try {
      const shapedStore = new S3Store({ bucket: BUCKET, endpoint: shaper.endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
      await coldLoads(`shaped link, ${shaper.description}`, {
        client: shapedStore.client,
        registry: createRegistry({ backend: shapedStore, prefix: PREFIX }),
        blobKeys,
        manifest: pushed.manifest,
        work,
      });
    } finally {
      await shaper.stop();
    }
    const lastCacheDir = loopback.lastCacheDir;

    // Warm loads from the last round's cache folder.
    const ttl = 60_000;
    const sameProcess = createLoader({ registry, cacheDir: lastCacheDir, aliasTtlMs: ttl });
    await sameProcess.load(`${LINE}@production`); // this instance's first use: re-hashes once (verify 'once')
    const warm = [
      ['same process, @production within TTL', () => sameProcess.load(`${LINE}@production`)],
      [`same process, explicit @${pushed.version}`, () => sameProcess.load(`${LINE}@${pushed.version}`)],
      ["new process, @production within TTL, verify 'once' (re-hash)", () => createLoader({ registry, cacheDir: lastCacheDir, aliasTtlMs: ttl }).load(`${LINE}@production`)],
      ["new process, @production within TTL, verify 'size'", () => createLoader({ registry, cacheDir: lastCacheDir, aliasTtlMs: ttl, verify: 'size' }).load(`${LINE}@production`)],
      [`new process, explicit @${pushed.version}, verify 'size'`, () => createLoader({ registry, cacheDir: lastCacheDir, verify: 'size' }).load(`${LINE}@${pushed.version}`)],
      ['same process, @production after the TTL', () => createLoader({ registry, cacheDir: lastCacheDir, aliasTtlMs: 0, verify: 'size' }).load(`${LINE}@production`)],
    ];
    console.log('\nwarm load (no download):');
    for (const [label, load] of warm) {
      const { ms, requests, result } = await counter.during(load);
      if (result.downloadedBytes !== 0) throw new Error(`${label}: downloaded ${result.downloadedBytes} bytes`);
      console.log(`  ${label.padEnd(62)} ${ms.toFixed(1).padStart(7)} ms, ${requests} store request${requests === 1 ? '' : 's'}`);
    }
  } finally {
    await cleanUpBench({ work, client: store.client, bucket: BUCKET, prefix: `${PREFIX}/`, servers });
  }
}

await main();
