import { MemoryStore, createRegistry, KeyScheme } from '@modelreg/core';
import { SimulatedS3Store } from '@modelreg/core/testing/helpers';
import { createHash } from 'node:crypto';
const keys = new KeyScheme('');
const memory = new MemoryStore();
const d = (t) => `sha256:${createHash('sha256').update(t).digest('hex')}`;
for (let i = 0; i < 3000; i++) for (let v = 1; v <= 10; v++) {
  const line = { store: `s${Math.floor(i/100)}`, product: `p${i%100}`, type: 'x' };
  const m = { schemaVersion: 2, ...line, version: v, createdAt: new Date().toISOString(), description: '', tags: { a: 'b' }, metrics: { rmse: 1 }, params: {}, dependencies: [],
    artifacts: [{ name: 'model.bin', kind: 'model', digest: d(`${i}:${v}`), size: 5, mediaType: 'x', dependsOn: [] }] };
  await memory.put(keys.manifestKey(line, v), Buffer.from(JSON.stringify(m)));
  await memory.put(keys.blobKey(m.artifacts[0].digest), Buffer.alloc(0));
}
const sim = new SimulatedS3Store(memory);
const registry = createRegistry({ backend: sim, concurrency: 16 });
await registry.stats();
console.time('stats2'); await registry.stats(); console.timeEnd('stats2');
console.time('gc2'); await registry.gc({ dryRun: false }); console.timeEnd('gc2');
console.time('gc3'); await registry.gc({ dryRun: false }); console.timeEnd('gc3');
const { CatalogKeys, decodeShard, decodeSnapshot } = await import('../packages/core/dist/catalog/catalog-format.js');
let t = Date.now(); let n = 0;
for await (const e of memory.list('models/')) n++;
console.log('list models', n, Date.now() - t); t = Date.now();
for await (const e of sim.list('models/')) { keys.parse(e.key); }
console.log('list+parse', Date.now() - t); t = Date.now();
const ck = new CatalogKeys(keys); const snaps = []; for await (const e of memory.list('catalog/snapshots/')) snaps.push(e.key);
const { readAll } = await import('@modelreg/core');
const snap = decodeSnapshot(await readAll((await memory.get(snaps.at(-1))).body));
for (const ref of snap.shards) decodeShard(await readAll((await memory.get(ck.shardKey(ref.id))).body), ref);
console.log('decode shards', snap.shards.length, Date.now() - t); t = Date.now();
for await (const e of memory.list('blobs/')) n++;
console.log('list blobs', Date.now() - t);
