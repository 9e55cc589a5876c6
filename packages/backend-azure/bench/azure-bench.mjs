// Push and pull of one large random model through modelreg (createRegistry + AzureBlobStore) versus
// the raw SDK (uploadFile / downloadToFile), against the same Azure Blob server in one run.
// Rounds alternate which side goes first; medians are compared. Run `pnpm build` first.
//
// Each side runs as its user would write it, with its own defaults and the same file:
// - raw: `blockBlobClient.uploadFile(path)` and `downloadToFile(path)` without options, i.e. the
//   SDK's defaults: a file up to 256 MiB goes up in one Put Blob streamed from the file, a larger one
//   as blocks of max(4 MiB, size / 50,000) read from the file, 5 in flight, then one Put Block List;
//   the download is one GET streamed to the file.
// - modelreg: `registry.push` / `registry.pull` on an `AzureBlobStore` with its defaults. A push
//   hashes the file (sha256, on a worker), takes a gc lease, checks whether the blob exists, stages
//   the blocks (each with its MD5), commits them, checks the stored size, then writes the manifest
//   and drops the lease; a pull verifies the sha256 of what it wrote.
//
//   pnpm bench:azure [-- --size-mib 1024 --rounds 4 --link-mbps 40 --latency-ms 20]   (or: node packages/backend-azure/bench/azure-bench.mjs [options])
//   Settings: flags, or MODELREG_BENCH_<FLAG> variables (MODELREG_BENCH_SIZE_MIB, ...); --help lists them.
//   MODELREG_TEST_AZURE_CONNECTION_STRING to use your own server.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ContainerClient } from '@azure/storage-blob';
import { KeyScheme, createRegistry } from '@modelreg/core';
import { AzureBlobStore } from '../dist/index.js';
import { startTestServers } from '@modelreg/testing';
import { ALTERNATING_ROUNDS, benchSettings } from '../../../bench/support/args.mjs';
import { median } from '../../../bench/support/median.mjs';
import { startShaper } from '../../../bench/support/shaper.mjs';

const settings = benchSettings({
  usage: 'pnpm bench:azure [-- options]   (or: node packages/backend-azure/bench/azure-bench.mjs [options], after pnpm build)',
  about: 'Push and pull of one large random model through modelreg versus the raw SDK, on one Azure Blob server in one run.',
  options: {
    'size-mib': { kind: 'integer', default: 1024, help: 'size of the model in MiB' },
    rounds: ALTERNATING_ROUNDS,
    'link-mbps': { kind: 'integer', default: 0, min: 0, help: 'both sides through a shaped link of this rate per connection, in MB/s (bench/support/shaper.mjs); 0: loopback' },
    'latency-ms': { kind: 'integer', default: 20, min: 0, help: "the shaped link's first-byte latency per request, in ms" },
  },
});
const MiB = 1024 * 1024;
const bytes = settings.sizeMib * MiB;
const rounds = settings.rounds;
const MODEL = 'bench/azure/random';

async function writeRandomFile(path, size) {
  await pipeline(
    (async function* () {
      for (let written = 0; written < size; written += 8 * MiB) yield randomBytes(Math.min(8 * MiB, size - written));
    })(),
    createWriteStream(path),
  );
}

async function seconds(work) {
  execFileSync('sync'); // the previous step's disk writeback must not slow down the step measured next
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const mbps = (secondsTaken) => bytes / 1e6 / secondsTaken;

const servers = await startTestServers(['azure']);
const [server] = servers.servers;
const work = await mkdtemp(join(tmpdir(), 'modelreg-azure-bench-'));
// A real store caps each connection and answers after a latency; loopback does neither (see the shaper).
const blobOrigin = new URL(/BlobEndpoint=([^;]+)/.exec(server.connection.connectionString)[1]).origin;
const shaper = settings.linkMbps > 0 ? await startShaper({ target: blobOrigin, bytesPerSecond: settings.linkMbps * 1e6, latencyMs: settings.latencyMs }) : undefined;
const connectionString = shaper ? server.connection.connectionString.replace(blobOrigin, new URL(shaper.endpoint).origin) : server.connection.connectionString;
const container = new ContainerClient(connectionString, `bench-${randomBytes(4).toString('hex')}`);
try {
  console.log(`server: ${server.description}${shaper ? `, through a shaped link of ${shaper.description}` : ''}`);
  console.log(`model: ${bytes / MiB} MiB of random bytes, ${rounds} rounds; each side with its defaults`);
  await container.create();
  const source = join(work, 'model.bin');
  await writeRandomFile(source, bytes);
  const store = new AzureBlobStore({ containerClient: container });

  const times = { modelregPush: [], rawPush: [], modelregPull: [], rawPull: [] };
  for (let round = 0; round < rounds; round++) {
    // A fresh registry prefix per round, so every push uploads the whole file instead of reusing the blob.
    const registry = createRegistry({ backend: store, prefix: `round-${round}` });
    const raw = container.getBlockBlobClient(`raw/round-${round}/model.bin`);
    let ref;
    const sides = {
      modelreg: {
        push: async () => {
          ref = (await registry.push(MODEL, [{ name: 'model.bin', body: source }])).ref;
        },
        pull: () => registry.pull(ref, join(work, `modelreg-${round}`)),
      },
      raw: {
        push: () => raw.uploadFile(source),
        pull: () => raw.downloadToFile(join(work, `raw-${round}.bin`)),
      },
    };
    const order = round % 2 === 0 ? ['modelreg', 'raw'] : ['raw', 'modelreg'];
    for (const side of order) times[`${side}Push`].push(await seconds(sides[side].push));
    for (const side of order) times[`${side}Pull`].push(await seconds(sides[side].pull));
    console.log(
      `round ${round + 1}: push modelreg ${mbps(times.modelregPush[round]).toFixed(1)} / raw ${mbps(times.rawPush[round]).toFixed(1)} MB/s, ` +
        `pull modelreg ${mbps(times.modelregPull[round]).toFixed(1)} / raw ${mbps(times.rawPull[round]).toFixed(1)} MB/s`,
    );
    // Keep the server's disk and ours from filling up over the rounds.
    await store.delete([new KeyScheme(`round-${round}`).blobKey((await registry.manifest(ref)).artifacts[0].digest)]);
    await raw.delete();
    await rm(join(work, `modelreg-${round}`), { recursive: true, force: true });
    await rm(join(work, `raw-${round}.bin`), { force: true });
  }

  console.log(`\nmedian of ${rounds} rounds (MB/s = 10^6 bytes per second)`);
  console.log('        modelreg      raw SDK    modelreg/raw');
  for (const direction of ['push', 'pull']) {
    const ours = mbps(median(times[`modelreg${direction === 'push' ? 'Push' : 'Pull'}`]));
    const theirs = mbps(median(times[`raw${direction === 'push' ? 'Push' : 'Pull'}`]));
    console.log(`${direction}   ${ours.toFixed(1).padStart(8)}   ${theirs.toFixed(1).padStart(10)}   ${(ours / theirs).toFixed(2).padStart(12)}`);
  }
} finally {
  await container.deleteIfExists().catch(() => {});
  await rm(work, { recursive: true, force: true });
  await shaper?.stop();
  await servers.stop();
}
