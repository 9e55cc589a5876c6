// `copyRegistry` from a local registry to S3 against a raw SDK upload of the same bytes, on one
// server in one run, then the bytes and requests of an immediate second copy.
//
//   pnpm bench:copy [-- --size-mib 1024 --rounds 4 --dir /var/tmp]
//
// Uses the same server as the S3 tests (MODELREG_TEST_S3_* variables, else MinIO when a Docker
// daemon answers, else a native Ceph RADOS Gateway) and stops it afterwards. Settings: flags, or
// MODELREG_BENCH_<FLAG> variables (MODELREG_BENCH_SIZE_MIB, ...); --help lists them.
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyRegistry, openRegistry } from '@modelreg/core';
import { S3Store } from '@modelreg/backend-s3';
import { startTestServers } from '@modelreg/testing';
import { ALTERNATING_ROUNDS, benchSettings } from './support/args.mjs';
import { median } from './support/median.mjs';
import { countRequests, deleteAll, ensureBucket, formatCommands, randomFile } from './support/s3.mjs';

// The SDK is a dependency of the S3 backend, not of the workspace root.
const requireFromS3 = createRequire(new URL('../packages/backend-s3/package.json', import.meta.url));
const { Upload } = requireFromS3('@aws-sdk/lib-storage');

const settings = benchSettings({
  usage: 'pnpm bench:copy [-- options]   (or: node bench/copy.mjs [options], after pnpm build)',
  about: 'copyRegistry from a local registry to S3 against a raw lib-storage Upload of the same bytes, then the cost of an immediate second copy.',
  options: {
    'size-mib': { kind: 'integer', default: 1024, help: 'size of the model file in MiB' },
    rounds: ALTERNATING_ROUNDS,
    dir: { kind: 'string', defaultText: 'the system temp folder', help: 'where the local registry and the model file are written' },
  },
});
const MIB = 1024 * 1024;
const MODEL_BYTES = settings.sizeMib * MIB;
const ROUNDS = settings.rounds;
const BUCKET = 'modelreg-bench';
const PART_SIZE = 8 * MIB;
const QUEUE_SIZE = 4;
const LINE = 'bench/model/xgb';
const RUN = `bench-copy-${Date.now().toString(36)}`;

const mbPerSecond = (ms) => MODEL_BYTES / 1e6 / (ms / 1000);

async function timed(work) {
  execFileSync('sync'); // the previous step's writeback must not slow down the step measured next
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

async function main() {
  const servers = await startTestServers(['s3']);
  const [server] = servers.servers;
  const config = server.connection;
  const store = (prefix) =>
    new S3Store({
      bucket: BUCKET,
      prefix,
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
    });
  const client = store(RUN).client; // the raw side uses the same client settings as the copy
  const work = await mkdtemp(join(settings.dir ?? tmpdir(), 'modelreg-copy-bench-'));
  try {
    await ensureBucket(client, BUCKET);
    console.log(`server: ${server.description}`);
    console.log(`node ${process.version}; part size ${PART_SIZE / MIB} MiB, queue size ${QUEUE_SIZE}; ${ROUNDS} rounds of a ${MODEL_BYTES / MIB} MiB model\n`);

    const modelPath = join(work, 'model.bin');
    const localRegistry = join(work, 'registry');
    await randomFile(modelPath, MODEL_BYTES);
    const local = await openRegistry(localRegistry);
    await local.push(LINE, [{ name: 'model.bin', body: modelPath }]);
    await local.promote(`${LINE}@1`);

    const sides = { raw: [], copy: [] };
    let lastDestination;
    for (let round = 0; round < ROUNDS; round++) {
      const destination = { backend: store(`${RUN}/copy-${round}`) }; // a fresh prefix: the blob is sent
      lastDestination = destination;
      const run = {
        raw: () =>
          new Upload({
            client,
            params: { Bucket: BUCKET, Key: `${RUN}/raw-${round}/model.bin`, Body: createReadStream(modelPath, { highWaterMark: MIB }) },
            partSize: PART_SIZE,
            queueSize: QUEUE_SIZE,
          }).done(),
        copy: () => copyRegistry(localRegistry, destination),
      };
      // Alternate which side goes first, so drift in the machine's load hits both alike.
      const order = round % 2 === 0 ? ['raw', 'copy'] : ['copy', 'raw'];
      for (const side of order) {
        const { ms, result } = await timed(run[side]);
        if (side === 'copy' && result.blobs.copiedBytes !== MODEL_BYTES) throw new Error(`round ${round + 1}: the copy sent ${result.blobs.copiedBytes} blob bytes`);
        sides[side].push(ms);
      }
      console.log(`round ${round + 1}: raw SDK upload ${mbPerSecond(sides.raw[round]).toFixed(0)} MB/s, modelreg copy ${mbPerSecond(sides.copy[round]).toFixed(0)} MB/s`);
      await deleteAll(client, BUCKET, `${RUN}/raw-${round}/`);
    }
    const raw = mbPerSecond(median(sides.raw));
    const copy = mbPerSecond(median(sides.copy));
    console.log(`\nmedian of ${ROUNDS} rounds: raw SDK ${raw.toFixed(1)} MB/s, modelreg copy ${copy.toFixed(1)} MB/s, ratio copy/raw ${(copy / raw).toFixed(2)} (target >= 0.9)`);

    const counter = countRequests(lastDestination.backend.client);
    const { ms, result } = await timed(() => copyRegistry(localRegistry, lastDestination));
    const requests = counter.take();
    console.log(
      `second copy, right after: blob bytes ${result.blobs.copiedBytes} (target 0), versions unchanged ${result.versions.unchanged.length}, ` +
        `request body bytes ${requests.bytes}, S3 requests ${requests.requests} (${formatCommands(requests.byCommand)}), ${ms.toFixed(0)} ms`,
    );
  } finally {
    await deleteAll(client, BUCKET, `${RUN}/`).catch(() => {});
    await rm(work, { recursive: true, force: true });
    await servers.stop();
  }
}

await main();
