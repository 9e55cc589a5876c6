// Registry-wide operations at scale, on a simulated S3: builds LINES model lines x VERSIONS versions
// directly in an in-memory store (manifests and empty blob objects written straight into it, not
// through push), puts a request-counting S3 simulation in front (1,000 keys per LIST page), and
// prints for gc, stats and filtered lists, with and without a catalog: requests by
// kind and by area (manifests and catalog, blobs, gc's own objects), simulated seconds, and peak
// memory. Then it adds new versions and runs gc and stats again.
// The fixture lives in a worker thread (support/fixture-worker.mjs), so the memory measured is
// modelreg's alone: the main thread's V8 heap and external bytes, sampled after a full collection.
// Simulated seconds are computed, not slept: (LIST pages + other requests / in-flight) x latency.
// Usage: pnpm bench:scale [-- --lines 100000 --versions 10] (--help lists the settings)
import { createRegistry } from '@modelreg/core';
import { SimulatedS3Store } from '@modelreg/core/testing/helpers'; // usable outside jest
import { benchSettings } from './support/args.mjs';
import { WorkerStore } from './support/worker-store.mjs';
import { lineOf } from './support/fixture-worker.mjs';

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
    'fixture-heap-mib': { kind: 'integer', default: 8192, min: 256, help: 'heap limit of the fixture worker thread' },
    'wide-list-without-catalog': { kind: 'integer', default: 1, min: 0, help: '1: also list the whole registry without a catalog (a GET per manifest); 0: skip' },
  },
});
const { lines, versions, latencyMs, inFlight, newPushes, shardEntries, fixtureHeapMib, wideListWithoutCatalog } = settings;
const manifests = lines * versions;

const memoryNow = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};
const mib = (bytes) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
const perThousand = (count) => (count / (manifests / 1000)).toFixed(2);

/**
 * Live memory of this thread: heap and external bytes right after a full collection, every second
 * and at the end (with --expose-gc; without it the samples include garbage, so they overstate).
 * Every store request waits for the worker's answer, so the sampling timer gets its turns.
 */
async function measure(label, simulated, call) {
  globalThis.gc?.();
  const baseline = memoryNow();
  let peak = baseline;
  const sample = () => {
    globalThis.gc?.();
    peak = Math.max(peak, memoryNow());
  };
  const timer = setInterval(sample, 1000);
  simulated.reset();
  const started = process.hrtime.bigint();
  const result = await call();
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  sample();
  const { counts, countsByArea } = simulated;
  const area = (name) => countsByArea.get(name) ?? 0;
  const manifestSide = area('models') + area('catalog');
  console.log(
    `  ${label.padEnd(34)} ${String(simulated.total).padStart(8)} req (${perThousand(simulated.total)}/1k manifests: ` +
      `LIST ${counts.listPage}, GET ${counts.get}, PUT ${counts.put}, HEAD ${counts.head}, DELETE ${counts.delete})  ` +
      `${simulated.simulatedSeconds(latencyMs, inFlight).toFixed(1).padStart(7)} s simulated  ${wallSeconds.toFixed(1).padStart(6)} s here  ` +
      `live peak ${mib(peak)} (+${mib(peak - baseline)})\n` +
      `  ${''.padEnd(34)} by area: manifests + catalog ${manifestSide} (${perThousand(manifestSide)}/1k), blobs ${area('blobs')} (${perThousand(area('blobs'))}/1k), ` +
      `gc markers, leases and commit records ${area('gc')}`,
  );
  return result;
}

const store = new WorkerStore(fixtureHeapMib);
const started = Date.now();
const fixtureBytes = await store.call('build', { lines, versions });
globalThis.gc?.();
console.log(
  `${lines} lines x ${versions} versions (${manifests} manifests) built in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
    `the fixture holds ${mib(fixtureBytes)} in its worker thread, not counted below; this thread holds ${mib(memoryNow())}.\n` +
    `Simulated S3: ${latencyMs} ms per request, ${inFlight} in flight, 1,000 keys per LIST page.`,
);
if (!globalThis.gc) console.log('(run with node --expose-gc for a clean memory baseline per measurement)');

const simulated = new SimulatedS3Store(store);
const registry = createRegistry({ backend: simulated, concurrency: inFlight, catalog: { shardEntries }, gcGracePeriodMs: 3_600_000 });
const storeFilter = { store: lineOf(Math.floor(lines / 2)).store, metrics: { rmse: { lt: 0.1 } } };
const wideFilter = { metrics: { rmse: { lt: 0.01 } }, latestOnly: true };

for (const [name, call] of [
  ['gc({ dryRun: false })', () => registry.gc({ dryRun: false })],
  ['stats()', () => registry.stats()],
]) {
  await store.call('removeCatalog');
  console.log(`\n${name}`);
  await measure('first run (no catalog)', simulated, call);
  await measure('second run (unchanged registry)', simulated, call);
}

// stats left a snapshot: the filtered lists read it, then the new versions, then the lists without it.
console.log(`\nlist(${JSON.stringify(storeFilter)})  and  list(${JSON.stringify(wideFilter)})`);
const storeMatches = await measure('one store, with catalog', simulated, () => registry.list(storeFilter));
await measure('one store, again', simulated, () => registry.list(storeFilter));
const wideMatches = await measure('whole registry, with catalog', simulated, () => registry.list(wideFilter));
await measure('whole registry, again', simulated, () => registry.list(wideFilter));
console.log(`  (${storeMatches.length} and ${wideMatches.length} versions match)`);

if (newPushes > 0) {
  console.log(`\nafter ${newPushes} new versions (each run after its own ${newPushes})`);
  await store.call('push', { count: newPushes, lines, version: versions + 1 });
  await measure('gc({ dryRun: false })', simulated, () => registry.gc({ dryRun: false }));
  await store.call('push', { count: newPushes, lines, version: versions + 2 });
  await measure('stats()', simulated, () => registry.stats());
  await store.call('push', { count: newPushes, lines, version: versions + 3 });
  await measure('list, whole registry', simulated, () => registry.list(wideFilter));
}

console.log('\nlist without a catalog');
await store.call('removeCatalog');
await measure('one store', simulated, () => registry.list(storeFilter));
if (wideListWithoutCatalog) await measure('whole registry', simulated, () => registry.list(wideFilter));
await store.terminate();
