// Registry-wide operations at scale, on a simulated S3: builds LINES model lines x VERSIONS versions
// directly in the in-memory store (manifests and empty blob objects written straight into it, not
// through push), puts a request-counting S3 simulation in front (1,000 keys per LIST page), and
// prints for gc, stats and filtered lists, first without a catalog and then with one: requests by
// kind, simulated seconds, and peak memory. Then it adds new versions and runs gc and stats again.
// Simulated seconds are computed, not slept: (LIST pages + other requests / in-flight) x latency.
// Usage: pnpm bench:scale [-- --lines 100000 --versions 10] (--help lists the settings)
import { createHash } from 'node:crypto';
import { KeyScheme, MemoryStore, createRegistry } from '@modelreg/core';
import { SimulatedS3Store } from '@modelreg/core/testing/helpers'; // usable outside jest
import { benchSettings } from './support/args.mjs';

const settings = benchSettings({
  usage: 'pnpm bench:scale [-- options]   (or: node --expose-gc bench/scale.mjs [options], after pnpm build)',
  about: 'gc, stats and filtered lists on a large registry behind a simulated S3, with and without the catalog.',
  options: {
    lines: { kind: 'integer', default: 100_000, help: 'model lines (100 products per store)' },
    versions: { kind: 'integer', default: 10, help: 'versions per model line' },
    'latency-ms': { kind: 'integer', default: 20, min: 0, help: 'simulated latency of one request' },
    'in-flight': { kind: 'integer', default: 16, help: 'requests in flight (also the registry concurrency)' },
    'new-pushes': { kind: 'integer', default: 1000, min: 0, help: 'versions added before the last gc and stats' },
    'shard-entries': { kind: 'integer', default: 8192, min: 16, help: 'catalog: manifests per shard (about)' },
  },
});
const { lines, versions, latencyMs, inFlight, newPushes, shardEntries } = settings;
const PRODUCTS_PER_STORE = 100;
const keys = new KeyScheme('');
const lineOf = (i) => ({ store: `store-${String(Math.floor(i / PRODUCTS_PER_STORE)).padStart(4, '0')}`, product: `sku-${i % PRODUCTS_PER_STORE}`, type: 'xgboost' });
const digestOf = (text) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** A nightly retrain: a new model blob per version, an encoder shared by the versions of a line. */
async function addVersion(memory, i, version) {
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
const EMPTY = Buffer.alloc(0);

const memoryNow = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};
const mib = (bytes) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

/**
 * Live memory: heap and external bytes sampled right after a full collection every 2 s (with
 * --expose-gc; without it the samples include garbage not yet collected, so they overstate).
 */
async function measure(label, simulated, call) {
  globalThis.gc?.();
  const baseline = memoryNow();
  let peak = baseline;
  const timer = setInterval(() => {
    globalThis.gc?.();
    peak = Math.max(peak, memoryNow());
  }, 2000);
  simulated.reset();
  const started = process.hrtime.bigint();
  const result = await call();
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, memoryNow());
  const { counts } = simulated;
  const perThousand = (simulated.total / ((lines * versions) / 1000)).toFixed(2);
  console.log(
    `  ${label.padEnd(34)} ${String(simulated.total).padStart(8)} req (${perThousand}/1k manifests: ` +
      `LIST ${counts.listPage}, GET ${counts.get}, PUT ${counts.put}, HEAD ${counts.head}, DELETE ${counts.delete})  ` +
      `${simulated.simulatedSeconds(latencyMs, inFlight).toFixed(1).padStart(7)} s simulated  ${wallSeconds.toFixed(1).padStart(6)} s here  live peak +${mib(peak - baseline)}`,
  );
  return result;
}

async function removeCatalog(memory) {
  const doomed = [];
  for await (const entry of memory.list('catalog/')) if (entry.type === 'object') doomed.push(entry.key);
  await memory.delete(doomed);
}

const memory = new MemoryStore();
const started = Date.now();
for (let i = 0; i < lines; i++) for (let version = 1; version <= versions; version++) await addVersion(memory, i, version);
for await (const _ of memory.list('', { delimiter: '/' })); // builds the store's sorted key index outside the measurements
globalThis.gc?.();
console.log(
  `${lines} lines x ${versions} versions (${lines * versions} manifests) built in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
    `fixture holds ${mib(memoryNow())}. Simulated S3: ${latencyMs} ms per request, ${inFlight} in flight, 1,000 keys per LIST page.`,
);
if (!globalThis.gc) console.log('(run with node --expose-gc for a clean memory baseline per measurement)');

const simulated = new SimulatedS3Store(memory);
const registry = createRegistry({ backend: simulated, concurrency: inFlight, catalog: { shardEntries }, gcGracePeriodMs: 3_600_000 });
const storeFilter = { store: lineOf(Math.floor(lines / 2)).store, metrics: { rmse: { lt: 0.1 } } };
const wideFilter = { metrics: { rmse: { lt: 0.01 } }, latestOnly: true };

for (const [name, call] of [
  ['gc({ dryRun: false })', () => registry.gc({ dryRun: false })],
  ['stats()', () => registry.stats()],
]) {
  await removeCatalog(memory);
  console.log(`\n${name}`);
  await measure('first run (no catalog)', simulated, call);
  await measure('second run (unchanged registry)', simulated, call);
}

console.log(`\nlist(${JSON.stringify(storeFilter)})  and  list(${JSON.stringify(wideFilter)})`);
await removeCatalog(memory);
const storeMatches = await measure('one store, no catalog', simulated, () => registry.list(storeFilter));
const wideMatches = await measure('whole registry, no catalog', simulated, () => registry.list(wideFilter));
await registry.reindex();
await measure('one store, with catalog', simulated, () => registry.list(storeFilter));
await measure('whole registry, with catalog', simulated, () => registry.list(wideFilter));
console.log(`  (${storeMatches.length} and ${wideMatches.length} versions match)`);

if (newPushes > 0) {
  console.log(`\nafter ${newPushes} new versions`);
  for (let n = 0; n < newPushes; n++) await addVersion(memory, Math.floor((n * lines) / newPushes), versions + 1);
  await measure('gc({ dryRun: false })', simulated, () => registry.gc({ dryRun: false }));
  for (let n = 0; n < newPushes; n++) await addVersion(memory, Math.floor((n * lines) / newPushes), versions + 2);
  await measure('stats()', simulated, () => registry.stats());
}
