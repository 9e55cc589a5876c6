import { randomBytes } from 'node:crypto';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { startTestServers } from '@modelreg/testing';
import { startShaper } from '../../../bench/support/shaper.mjs';

const MiB = 1024 * 1024;
const size = Number(process.env.SIZE_MIB ?? 256) * MiB;
const servers = await startTestServers(['azure']);
const [server] = servers.servers;
let cs = server.connection.connectionString;
let shaper;
if (process.env.SHAPE) {
  const endpoint = /BlobEndpoint=([^;]+)/.exec(cs)[1];
  const u = new URL(endpoint);
  shaper = await startShaper({ target: u.origin, bytesPerSecond: 40e6, latencyMs: 20 });
  cs = cs.replace(u.origin, shaper.endpoint.replace(/\/$/, ''));
}
const work = await mkdtemp(join(tmpdir(), 'azexp-'));
const container = new ContainerClient(cs, `exp-${randomBytes(4).toString('hex')}`);
await container.create();
const source = join(work, 'model.bin');
await writeFile(source, randomBytes(size));
const configs = JSON.parse(process.env.CONFIGS ?? '[[0,0],[4,5],[8,4],[16,4],[32,4],[64,4],[32,2],[64,2]]');
const results = {};
try {
  for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
    for (const [bs, conc] of configs) {
      const blob = container.getBlockBlobClient(`b-${bs}-${conc}-${round}`);
      const s = performance.now();
      await blob.uploadFile(source, bs === 0 ? {} : { blockSize: bs * MiB, concurrency: conc, maxSingleShotSize: 0 });
      const ms = performance.now() - s;
      (results[`${bs}x${conc}`] ??= []).push((size / 1e6 / (ms / 1000)).toFixed(0));
      await blob.delete();
    }
  }
  for (const [k, v] of Object.entries(results)) console.log(k, v.join(' '), 'MB/s');
} finally {
  await container.deleteIfExists();
  await shaper?.stop();
  await servers.stop();
}
