import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { startTestServers } from '@modelreg/testing';
import { AzureBlobStore } from '../dist/index.js';
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
import { open } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
async function direct(blob, bs, conc) {
  const fh = await open(source);
  const limit = pLimit(conc);
  const id = randomUUID();
  const ids = [];
  const pool = [];
  const n = Math.ceil(size / bs);
  await Promise.all(Array.from({ length: n }, (_, i) => limit(async () => {
    const len = Math.min(bs, size - i * bs);
    const full = pool.pop() ?? Buffer.allocUnsafeSlow(bs);
    const buf = full.subarray(0, len);
    await fh.read(buf, 0, len, i * bs);
    const bid = Buffer.from(`${id}-${String(i).padStart(6, '0')}`).toString('base64');
    ids[i] = bid;
    await blob.stageBlock(bid, buf, len, { transactionalContentMD5: createHash('md5').update(buf).digest() });
    pool.push(full);
  })));
  await fh.close();
  await blob.commitBlockList(ids);
}
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const configs = JSON.parse(process.env.CONFIGS ?? '[["raw"],[4,4],[8,4],[8,8],[16,4],[16,8]]');
const results = {};
try {
  for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
    for (const c of configs) {
      const key = `b-${c.join('-')}-${round}`;
      const s = performance.now(); const c0 = cpu();
      if (c[0] === 'direct') await direct(container.getBlockBlobClient(key), c[1] * MiB, c[2]);
      else if (c[0] === 'raw') await container.getBlockBlobClient(key).uploadFile(source);
      else await new AzureBlobStore({ containerClient: container, blockSize: c[0] * MiB, concurrency: c[1] }).put(key, createReadStream(source, { highWaterMark: MiB }), { size });
      const ms = performance.now() - s;
      (results[c.join('x')] ??= []).push((size / 1e6 / (ms / 1000)).toFixed(0) + '/' + (cpu() - c0).toFixed(2) + 's');
      await container.getBlockBlobClient(key).delete();
    }
  }
  for (const [k, v] of Object.entries(results)) console.log(k, v.join(' '), 'MB/s');
} finally {
  await container.deleteIfExists();
  await shaper?.stop();
  await servers.stop();
}
