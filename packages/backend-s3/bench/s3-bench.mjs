// Push and pull throughput of modelreg on S3 against the raw SDK, on one server in one run.
//
//   pnpm bench:s3 [-- --size-mib 1024 --rounds 4 --artifact-mib 64]
//
// Uses the same server as the tests (MODELREG_TEST_S3_* variables, else MinIO when a Docker daemon
// answers, else a native Ceph RADOS Gateway) and stops it afterwards. Settings: flags, or
// MODELREG_BENCH_<FLAG> variables (MODELREG_BENCH_SIZE_MIB, ...); --help lists them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createRegistry } from '@modelreg/core';
import { S3Store } from '@modelreg/backend-s3';
import { startTestServers } from '@modelreg/testing';
import { ALTERNATING_ROUNDS, benchSettings } from '../../../bench/support/args.mjs';
import { median } from '../../../bench/support/median.mjs';
import { countRequests, deleteAll as deleteUnder, ensureBucket, formatCommands, randomFile } from '../../../bench/support/s3.mjs';

const settings = benchSettings({
  usage: 'pnpm bench:s3 [-- options]   (or: node packages/backend-s3/bench/s3-bench.mjs [options], after pnpm build)',
  about: 'Push and pull throughput of modelreg on S3 against the raw SDK, on one server in one run.',
  options: {
    'size-mib': { kind: 'integer', default: 1024, help: 'size of the model file in MiB' },
    rounds: ALTERNATING_ROUNDS,
    'artifact-mib': { kind: 'integer', default: 64, help: 'size of each of the five artifacts in the dedup part, in MiB' },
  },
});
const MIB = 1024 * 1024;
const MODEL_BYTES = settings.sizeMib * MIB;
const ROUNDS = settings.rounds;
const ARTIFACT_BYTES = settings.artifactMib * MIB;
const BUCKET = 'modelreg-bench';
const PART_SIZE = 8 * MIB;
const QUEUE_SIZE = 4;
const LINE = 'bench/model/xgb';
const deleteAll = (client, prefix) => deleteUnder(client, BUCKET, prefix);

const mbPerSecond = (bytes, ms) => bytes / 1e6 / (ms / 1000);

async function timed(work) {
  settle();
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Flushes the previous step's dirty pages, so its disk writeback does not slow down the step measured next. */
function settle() {
  execFileSync('sync');
}

async function main() {
  const servers = await startTestServers(['s3']);
  const [server] = servers.servers;
  const work = await mkdtemp(join(tmpdir(), 'modelreg-s3-bench-'));
  try {
    const config = server.connection;
    const store = new S3Store({
      bucket: BUCKET,
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
    });
    const client = store.client; // the raw side uses the very same client and connection settings
    await ensureBucket(client, BUCKET);
    console.log(`server: ${server.description}`);
    console.log(`node ${process.version}; part size ${PART_SIZE / MIB} MiB, queue size ${QUEUE_SIZE}; pull as core's ranged GETs (registry defaults); ${ROUNDS} rounds\n`);

    const modelPath = join(work, 'model.bin');
    await randomFile(modelPath, MODEL_BYTES);
    const hashMs = await timed(async () => {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(modelPath, { highWaterMark: MIB })) hash.update(chunk);
    });
    const sides = { raw: { push: [], pull: [] }, rawSynced: { pull: [] }, modelreg: { push: [], pull: [] } };

    for (let round = 0; round < ROUNDS; round++) {
      const rawKey = `raw/${round}/model.bin`;
      const registry = createRegistry({ backend: store, prefix: `bench-${round}` }); // a fresh prefix: every blob is uploaded
      const pushRaw = () => new Upload({ client, params: { Bucket: BUCKET, Key: rawKey, Body: createReadStream(modelPath, { highWaterMark: MIB }) }, partSize: PART_SIZE, queueSize: QUEUE_SIZE }).done();
      const pushModelreg = () => registry.push(LINE, [{ name: 'model.bin', body: modelPath }]);
      const rawOut = join(work, `raw-${round}.bin`);
      const pullRaw = async () => {
        const { Body } = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: rawKey }));
        await pipeline(Body, createWriteStream(rawOut));
      };
      // What `pull({ durable: true })` adds: an fsync of the file before it is renamed into place.
      const pullRawSynced = async () => {
        await pullRaw();
        const file = await open(rawOut, 'r+');
        await file.sync();
        await file.close();
      };
      const pullDir = join(work, `pulled-${round}`);
      const pullModelreg = () => registry.pull(`${LINE}@1`, pullDir);

      // Alternate which side goes first, so drift in the machine's load hits both alike.
      const order = round % 2 === 0 ? ['raw', 'modelreg'] : ['modelreg', 'raw'];
      const run = { raw: { push: pushRaw, pull: pullRaw }, modelreg: { push: pushModelreg, pull: pullModelreg } };
      for (const side of order) sides[side].push.push(await timed(run[side].push));
      for (const side of order) sides[side].pull.push(await timed(run[side].pull));
      await rm(rawOut, { force: true });
      sides.rawSynced.pull.push(await timed(pullRawSynced));
      console.log(
        `round ${round + 1}: push raw ${mbPerSecond(MODEL_BYTES, sides.raw.push[round]).toFixed(0)} / modelreg ${mbPerSecond(MODEL_BYTES, sides.modelreg.push[round]).toFixed(0)} MB/s; ` +
          `pull raw ${mbPerSecond(MODEL_BYTES, sides.raw.pull[round]).toFixed(0)} (+fsync ${mbPerSecond(MODEL_BYTES, sides.rawSynced.pull[round]).toFixed(0)}) / modelreg ${mbPerSecond(MODEL_BYTES, sides.modelreg.pull[round]).toFixed(0)} MB/s`,
      );
      await rm(rawOut, { force: true });
      await rm(pullDir, { recursive: true, force: true });
      await deleteAll(client, `raw/${round}/`);
      await deleteAll(client, `bench-${round}/`);
    }

    console.log(`\nmedian of ${ROUNDS} rounds, ${MODEL_BYTES / MIB} MiB model (sha256 of the file alone: ${(hashMs / 1000).toFixed(2)} s):`);
    const rate = (samples) => mbPerSecond(MODEL_BYTES, median(samples));
    for (const direction of ['push', 'pull']) {
      const raw = rate(sides.raw[direction]);
      const modelreg = rate(sides.modelreg[direction]);
      console.log(`  ${direction}: raw SDK ${raw.toFixed(1)} MB/s, modelreg ${modelreg.toFixed(1)} MB/s, ratio modelreg/raw ${(modelreg / raw).toFixed(2)}`);
    }
    const synced = rate(sides.rawSynced.pull);
    console.log(`  pull, raw SDK + fsync: ${synced.toFixed(1)} MB/s, ratio modelreg/(raw + fsync) ${(rate(sides.modelreg.pull) / synced).toFixed(2)}`);
    await rm(modelPath, { force: true });

    // Dedup: five artifacts pushed, pushed again unchanged, then with one of them changed.
    const artifactsDir = join(work, 'artifacts');
    await mkdir(artifactsDir);
    const names = ['model.bin', 'encoder.bin', 'scaler.bin', 'splitter.bin', 'meta.bin'];
    for (const name of names) await randomFile(join(artifactsDir, name), ARTIFACT_BYTES);
    const artifacts = names.map((name) => ({ name, body: join(artifactsDir, name) }));
    const registry = createRegistry({ backend: store, prefix: 'bench-dedup' });
    const counter = countRequests(client);
    const first = await registry.push(LINE, artifacts);
    const firstRequests = counter.take();
    const again = await registry.push(LINE, artifacts);
    const againRequests = counter.take();
    await randomFile(join(artifactsDir, 'scaler.bin'), ARTIFACT_BYTES);
    const changed = await registry.push(LINE, artifacts);
    const changedRequests = counter.take();
    const describe = (label, result, requests) =>
      console.log(
        `  ${label}: blob bytes ${result.uploadedBytes}, request body bytes ${requests.bytes}, requests ${requests.requests} ` +
          `(${formatCommands(requests.byCommand)})`,
      );
    console.log(`\nfive artifacts of ${ARTIFACT_BYTES / MIB} MiB:`);
    describe('first push', first, firstRequests);
    describe('re-push, unchanged', again, againRequests);
    describe('push, one changed', changed, changedRequests);
    await deleteAll(client, 'bench-dedup/');
  } finally {
    await rm(work, { recursive: true, force: true });
    await servers.stop();
  }
}

await main();
