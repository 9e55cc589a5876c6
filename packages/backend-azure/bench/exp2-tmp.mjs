import { randomBytes, createHash, randomUUID } from 'node:crypto';
import { writeFile, mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { startTestServers } from '@modelreg/testing';
import pLimit from 'p-limit';

const MiB = 1024 * 1024;
const size = Number(process.env.SIZE_MIB ?? 256) * MiB;
const servers = await startTestServers(['azure']);
const [server] = servers.servers;
const work = await mkdtemp(join(tmpdir(), 'azexp-'));
const container = new ContainerClient(server.connection.connectionString, `exp-${randomBytes(4).toString('hex')}`);
await container.create();
const source = join(work, 'model.bin');
await writeFile(source, randomBytes(size));

async function blocks(blob, bs, conc, md5) {
  const fh = await open(source);
  const limit = pLimit(conc);
  const id = randomUUID();
  const ids = [];
  const n = Math.ceil(size / bs);
  await Promise.all(Array.from({ length: n }, (_, i) => limit(async () => {
    const len = Math.min(bs, size - i * bs);
    const buf = Buffer.allocUnsafe(len);
    await fh.read(buf, 0, len, i * bs);
    const bid = Buffer.from(`${id}-${String(i).padStart(6, '0')}`).toString('base64');
    ids[i] = bid;
    await blob.stageBlock(bid, buf, len, md5 ? { transactionalContentMD5: createHash('md5').update(buf).digest() } : {});
  })));
  await fh.close();
  await blob.commitBlockList(ids);
}
const configs = JSON.parse(process.env.CONFIGS ?? '[["single"],[8,4,0],[8,4,1],[16,4,1],[32,4,1],[32,2,1],[64,2,1]]');
const results = {};
try {
  for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
    for (const c of configs) {
      const blob = container.getBlockBlobClient(`b-${c.join('-')}-${round}`);
      const s = performance.now();
      if (c[0] === 'single') await blob.uploadFile(source);
      else await blocks(blob, c[0] * MiB, c[1], c[2]);
      const ms = performance.now() - s;
      (results[c.join('x')] ??= []).push((size / 1e6 / (ms / 1000)).toFixed(0));
      await blob.delete();
    }
  }
  for (const [k, v] of Object.entries(results)) console.log(k, v.join(' '), 'MB/s');
} finally {
  await container.deleteIfExists();
  await servers.stop();
}
