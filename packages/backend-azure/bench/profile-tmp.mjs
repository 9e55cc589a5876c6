import { randomBytes } from 'node:crypto';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { createRegistry } from '@modelreg/core';
import { AzureBlobStore } from '../dist/index.js';
import { startTestServers } from '@modelreg/testing';
import { hashFile } from '../../core/dist/blobs/hash-worker.js';

const MiB = 1024 * 1024;
const size = Number(process.env.SIZE_MIB ?? 256) * MiB;
const servers = await startTestServers(['azure']);
const [server] = servers.servers;
const work = await mkdtemp(join(tmpdir(), 'azprof-'));
const container = new ContainerClient(server.connection.connectionString, `prof-${randomBytes(4).toString('hex')}`);
await container.create();
const source = join(work, 'model.bin');
await writeFile(source, randomBytes(size));
const store = new AzureBlobStore({ containerClient: container, ...(process.env.BS ? { blockSize: Number(process.env.BS) * MiB } : {}), ...(process.env.CONC ? { concurrency: Number(process.env.CONC) } : {}) });
const t0 = () => performance.now();
import { readFileSync } from 'node:fs';
const azPid = /pid (\d+)/.exec(server.description)[1];
const azCpu = () => { const f = readFileSync(`/proc/${azPid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
async function measured(label, fn) { const c = cpu(), a = azCpu(), s = t0(); await fn(); console.log(`${label}: ${(t0() - s).toFixed(0)} ms wall, client cpu ${(cpu() - c).toFixed(2)} s, azurite cpu ${(azCpu() - a).toFixed(2)} s`); }
let start;
const logged = new Proxy(store, {
  get(target, prop) {
    const value = target[prop];
    if (typeof value !== 'function' || prop === 'constructor') return value;
    return (...args) => {
      const s = t0();
      const result = value.apply(target, args);
      if (result && typeof result.then === 'function') {
        return result.then((r) => { console.log(`  ${String(prop)} ${typeof args[0] === 'string' ? args[0] : ''} ${(s - start).toFixed(0)}..${(t0() - start).toFixed(0)} ms`); return r; });
      }
      return result;
    };
  },
});
try {
  for (let round = 0; round < 3; round++) {
    await measured('hash alone', () => hashFile(source, size));
    await measured('raw uploadFile defaults', () => container.getBlockBlobClient(`raw-${round}`).uploadFile(source));
    const registry = createRegistry({ backend: logged, prefix: `r${round}` });
    start = t0();
    await measured('modelreg push', () => registry.push('bench/azure/random', [{ name: 'model.bin', body: source }]));
  }
} finally {
  await container.deleteIfExists();
  await servers.stop();
}
