// The registry fixture of `pnpm bench:scale`, kept in a worker thread so that the memory the
// benchmark measures (the main thread's V8 heap and external bytes) is modelreg's own and not the
// millions of fixture objects'. The fixture is a MemoryStore filled directly (not through push);
// the main thread reaches it through `WorkerStore`, an ObjectStore that forwards every call.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { KeyScheme, MemoryStore, readAll } from '@modelreg/core';

const PRODUCTS_PER_STORE = 100;
const LIST_BATCH = 1000;
const keys = new KeyScheme('');
const memory = new MemoryStore();
const EMPTY = Buffer.alloc(0);
const listings = new Map();

export const lineOf = (i) => ({ store: `store-${String(Math.floor(i / PRODUCTS_PER_STORE)).padStart(4, '0')}`, product: `sku-${i % PRODUCTS_PER_STORE}`, type: 'xgboost' });
const digestOf = (text) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** A nightly retrain: a new model blob per version, an encoder shared by the versions of a line. */
async function addVersion(i, version) {
  const line = lineOf(i);
  const model = digestOf(`model:${i}:${version}`);
  const encoder = digestOf(`encoder:${i}`);
  const manifest = {
    schemaVersion: 2, ...line, version, createdAt: new Date(Date.UTC(2026, 0, 1) + version * 86_400_000).toISOString(),
    description: '', tags: { team: 'forecasting', git: `c${version}` }, metrics: { rmse: ((i * 7 + version * 13) % 1000) / 1000 },
    params: { max_depth: 6 }, dependencies: [],
    artifacts: [
      { name: 'model.bin', kind: 'model', digest: model, size: 4_000_000, mediaType: 'application/octet-stream', dependsOn: [] },
      { name: 'encoder.json', kind: 'encoder', digest: encoder, size: 20_000, mediaType: 'application/json', dependsOn: [] },
    ],
  };
  await memory.put(keys.manifestKey(line, version), Buffer.from(JSON.stringify(manifest)));
  await memory.put(keys.blobKey(model), EMPTY);
  if (version === 1) await memory.put(keys.blobKey(encoder), EMPTY);
}

const operations = {
  async build({ lines, versions }) {
    for (let i = 0; i < lines; i++) for (let version = 1; version <= versions; version++) await addVersion(i, version);
    for await (const _ of memory.list('', { delimiter: '/' })); // builds the store's sorted key index now, not in a measurement
    globalThis.gc?.();
    return process.memoryUsage().heapUsed + process.memoryUsage().external;
  },
  /** `count` new versions spread evenly over the lines. */
  /** New versions, each with the commit record a real push leaves, written an hour ago (before the runs measured). */
  async push({ count, lines, version }) {
    for (let n = 0; n < count; n++) {
      const i = Math.floor((n * lines) / count);
      await addVersion(i, version);
      const record = keys.commitRecordKey(`fixture-${i}-${version}`);
      await memory.put(record, Buffer.from(JSON.stringify({ schemaVersion: 1, lines: [lineOf(i)], finishedAt: new Date().toISOString() })));
      memory.backdate(record, 60 * 60_000);
    }
  },
  async removeCatalog() {
    const doomed = [];
    for await (const entry of memory.list('catalog/')) if (entry.type === 'object') doomed.push(entry.key);
    await memory.delete(doomed);
  },
  put: ({ key, bytes, options }) => memory.put(key, Buffer.from(bytes), options),
  async get({ key, options }) {
    const { body, ...info } = await memory.get(key, options);
    return { ...info, bytes: await readAll(body) };
  },
  head: ({ key }) => memory.head(key),
  delete: ({ keys: doomed }) => memory.delete(doomed),
  touch: ({ key }) => memory.touch(key),
  /** The next entries of a listing (opened on first use), in batches so one message carries many entries. */
  async list({ id, prefix, options }) {
    let iterator = listings.get(id);
    if (!iterator) listings.set(id, (iterator = memory.list(prefix, options)[Symbol.asyncIterator]()));
    const entries = [];
    while (entries.length < LIST_BATCH) {
      const next = await iterator.next();
      if (next.done) break;
      entries.push(next.value);
    }
    if (entries.length < LIST_BATCH) listings.delete(id);
    return entries;
  },
  closeList({ id }) {
    listings.delete(id);
  },
};

if (parentPort && workerData?.fixture) {
  parentPort.on('message', async (calls) => {
    const answers = await Promise.all(
      calls.map(async ({ id, operation, args }) => {
        try {
          return { id, result: await operations[operation](args) };
        } catch (error) {
          return { id, error: { name: error.name, message: error.message, key: error.key } };
        }
      }),
    );
    parentPort.postMessage(answers);
  });
}
