import { beforeEach, describe, expect, it } from '@jest/globals';
import { type CatalogProblem, KeyScheme, MemoryStore, type Registry, createRegistry, readAll, sha256 } from '../src/index.js';
import { SimulatedS3Store } from '../src/testing/index.js';

// Request counts of registry-wide operations with and without the catalog (docs/catalog.md), on a
// simulated S3 that lists 100 keys per page: 60 model lines x 3 versions, about 16 manifests per shard.
const LINES = 60;
const VERSIONS = 3;
const MANIFESTS = LINES * VERSIONS;
const PAGE = 100;
const pages = (keys: number) => Math.max(1, Math.ceil(keys / PAGE));
const HOUR = 60 * 60 * 1000;
const keys = new KeyScheme('');
const lineOf = (i: number) => `store-${i % 4}/product-${i}/xgb`;

let memory: MemoryStore;
let s3: SimulatedS3Store;
let registry: Registry;
let problems: CatalogProblem[];

function open(options: { enabled?: boolean } = {}): Registry {
  return createRegistry({ backend: s3, concurrency: 4, catalog: { shardEntries: 16, enabled: options.enabled ?? true, onProblem: (problem) => problems.push(problem) } });
}

beforeEach(async () => {
  memory = new MemoryStore();
  s3 = new SimulatedS3Store(memory, { pageSize: PAGE });
  problems = [];
  registry = open();
  for (let i = 0; i < LINES; i++) {
    for (let v = 1; v <= VERSIONS; v++) {
      await registry.push(lineOf(i), [{ name: 'model.bin', body: Buffer.from(`model ${i} ${v}`) }], { metrics: { rmse: v / 10 }, tags: { v: String(v) } });
    }
  }
  // Pushed an hour ago: a gc lists their commit records but reads none (they finished before it began).
  for (const key of await keysUnder(keys.commitRecordsPrefix())) memory.backdate(key, HOUR);
  s3.reset();
});

const keysUnder = async (prefix: string) => {
  const found: string[] = [];
  for await (const entry of memory.list(prefix)) if (entry.type === 'object') found.push(entry.key);
  return found;
};

async function newestSnapshot(): Promise<{ key: string; shards: Array<{ id: string; entries: number }> }> {
  const key = (await keysUnder('catalog/snapshots/')).at(-1)!;
  return { key, ...JSON.parse((await readAll((await memory.get(key)).body)).toString('utf8')) };
}

const counts = () => ({ ...s3.counts });

describe('stats with the catalog', () => {
  it('reads every manifest once, then only the snapshot: one GET per shard plus the LIST pages', async () => {
    const first = await registry.stats();
    expect(first).toMatchObject({ versions: MANIFESTS, types: LINES, stores: 4 });
    const { shards } = await newestSnapshot();
    expect(shards.length).toBeGreaterThan(3);
    expect(counts()).toEqual({ get: MANIFESTS, put: shards.length + 1, listPage: 1 + pages(MANIFESTS) + pages(MANIFESTS), head: 0, delete: 0, touch: 0 });

    s3.reset();
    expect(await registry.stats()).toEqual(first);
    expect(counts()).toEqual({ get: 1 + shards.length, put: 0, listPage: 1 + pages(MANIFESTS) + pages(MANIFESTS), head: 0, delete: 0, touch: 0 });
    expect(problems).toEqual([]);
  });

  it('after new pushes reads only the new manifests and rewrites only the shards they fall in', async () => {
    await registry.stats();
    const before = await newestSnapshot();
    for (const i of [0, 1]) await registry.push(lineOf(i), [{ name: 'model.bin', body: Buffer.from(`new ${i}`) }]);
    s3.reset();
    expect((await registry.stats()).versions).toBe(MANIFESTS + 2);
    const after = await newestSnapshot();
    const rewritten = after.shards.filter((shard) => !before.shards.some((old) => old.id === shard.id)).length;
    // Each new manifest changes its shard, and splits it in two if its own key ends a shard.
    expect(rewritten).toBeGreaterThanOrEqual(1);
    expect(rewritten).toBeLessThanOrEqual(4);
    expect(s3.counts.get).toBe(1 + before.shards.length + 2);
    expect(s3.counts.put).toBe(rewritten + 1);
  });

  it('after deletions reads no manifest and counts only what is left', async () => {
    await registry.stats();
    const { shards } = await newestSnapshot();
    await registry.deleteVersion(`${lineOf(5)}@1`);
    await registry.purge(lineOf(6), { dryRun: false });
    s3.reset();
    expect((await registry.stats()).versions).toBe(MANIFESTS - 1 - VERSIONS);
    expect(s3.counts.get).toBe(1 + shards.length);
    s3.reset();
    expect((await registry.stats()).versions).toBe(MANIFESTS - 1 - VERSIONS);
  });

  it('ignores a corrupt or missing shard (reported), reading its manifests instead, and repairs it', async () => {
    const expected = await registry.stats();
    const { shards } = await newestSnapshot();
    const [corrupt, missing] = [shards[1]!, shards[2]!];
    memory.corrupt(`catalog/shards/${corrupt.id}.json.gz`, Buffer.from('not gzip'));
    await memory.delete([`catalog/shards/${missing.id}.json.gz`]);
    s3.reset();
    expect(await registry.stats()).toEqual(expected);
    expect(problems.map((problem) => problem.key).sort()).toEqual([`catalog/shards/${corrupt.id}.json.gz`, `catalog/shards/${missing.id}.json.gz`].sort());
    expect(s3.counts.get).toBe(1 + shards.length + corrupt.entries + missing.entries);
    expect(s3.counts.put).toBe(2 + 1); // the two shards again, and an index naming them
    s3.reset();
    await registry.stats();
    expect(s3.counts.get).toBe(1 + shards.length);
  });

  it('falls back to the previous snapshot when the newest is corrupt, and to the manifests when none is readable', async () => {
    await registry.stats();
    await registry.push(lineOf(0), [{ name: 'model.bin', body: Buffer.from('one more') }]);
    await registry.stats();
    const snapshots = await keysUnder('catalog/snapshots/');
    expect(snapshots).toHaveLength(2);
    memory.corrupt(snapshots[1]!, Buffer.from('{"format":"modelreg-catalog"'));
    s3.reset();
    expect((await registry.stats()).versions).toBe(MANIFESTS + 1);
    expect(problems.map((problem) => problem.key)).toEqual([snapshots[1]]);
    expect(s3.counts.get).toBeLessThan(MANIFESTS / 2); // the older snapshot served all but the one new manifest

    for (const key of await keysUnder('catalog/snapshots/')) memory.corrupt(key, Buffer.from('[]'));
    s3.reset();
    expect((await registry.stats()).versions).toBe(MANIFESTS + 1);
    expect(s3.counts.get).toBeGreaterThanOrEqual(MANIFESTS + 1);
  });

  it('lets concurrent writers each write a whole snapshot; readers take the newest', async () => {
    const [a, b] = await Promise.all([registry.stats(), open().stats()]);
    expect(a).toEqual(b);
    const snapshots = await keysUnder('catalog/snapshots/');
    expect(snapshots).toHaveLength(2);
    const { shards } = await newestSnapshot();
    s3.reset();
    expect(await registry.stats()).toEqual(a);
    expect(s3.counts.get).toBe(1 + shards.length);
    expect(problems).toEqual([]);
  });

  it('reads every manifest each time when the catalog is disabled', async () => {
    const plain = open({ enabled: false });
    await plain.stats();
    s3.reset();
    await plain.stats();
    expect(s3.counts.get).toBe(MANIFESTS);
    expect(await keysUnder('catalog/')).toEqual([]);
  });
});

describe('gc with the catalog', () => {
  it('a second gc reads the snapshot once, before its marker, and no manifest', async () => {
    await registry.gc({ dryRun: false });
    const { shards } = await newestSnapshot();
    s3.reset();
    const report = await registry.gc({ dryRun: false });
    expect(report).toMatchObject({ scannedBlobs: MANIFESTS, referencedBlobs: MANIFESTS, deletedBlobs: 0 });
    // GETs: the index and every shard, the index when pruning, and the marker's own clock reading.
    // No manifest, and no commit record (every push finished before this gc began).
    expect(s3.counts.get).toBe(1 + shards.length + 1 + 1);
    // LIST pages: blobs; snapshots and models; leases; commit records; gc runs; snapshots and shards when pruning.
    expect(s3.counts.listPage).toBe(pages(MANIFESTS) + (1 + pages(MANIFESTS)) + 1 + pages(MANIFESTS) + 1 + 2);
    expect(s3.counts.put).toBe(1);
    // By area. Manifest side: one listing of models/, the snapshot names, the index and the shards,
    // and pruning's listings of snapshots and shards and its read of the index. Blob side: one
    // listing. gc's own objects: the marker's put, head and delete, the listings of leases and of
    // commit records (one per push), and the listing of runs with a read of the one it finds (its own marker).
    const area = (name: string) => s3.countsByArea.get(name) ?? 0;
    expect(area('models') + area('catalog')).toBe(pages(MANIFESTS) + 1 + 1 + shards.length + 3);
    expect(area('blobs')).toBe(pages(MANIFESTS));
    expect(area('gc')).toBe(6 + pages(MANIFESTS));
  });

  it('reads in its second pass a version committed after its first, and keeps that version\'s blob', async () => {
    await registry.gc({ dryRun: false });
    const { shards } = await newestSnapshot();
    // A push that finished while gc marked: its manifest and its commit record land right after the
    // marker, its lease is already gone, and its blob is old enough to delete (content pushed before, say).
    const late = Buffer.from('late model');
    const digest = sha256(late);
    await memory.put(keys.blobKey(digest), late);
    memory.backdate(keys.blobKey(digest), 48 * HOUR);
    const name = { store: 'store-1', product: 'product-5', type: 'xgb' };
    const manifest = JSON.parse((await readAll((await memory.get(keys.manifestKey(name, 3))).body)).toString('utf8'));
    const committed = { ...manifest, version: 4, artifacts: [{ ...manifest.artifacts[0], digest, size: late.length }] };
    const put = memory.put.bind(memory);
    memory.put = async (key, body, options) => {
      const result = await put(key, body, options);
      if (key.startsWith('gc/runs/')) {
        await put(keys.manifestKey(name, 4), Buffer.from(JSON.stringify(committed)));
        await put(keys.commitRecordKey('late'), Buffer.from(JSON.stringify({ schemaVersion: 1, lines: [name], finishedAt: new Date().toISOString() })));
      }
      return result;
    };
    s3.reset();
    const report = await registry.gc({ dryRun: false });
    expect(report).toMatchObject({ scannedBlobs: MANIFESTS + 1, referencedBlobs: MANIFESTS + 1, deletedBlobs: 0 });
    expect(await memory.head(keys.blobKey(digest))).toBeDefined();
    // The late manifest is the only one read, in the second pass, which lists only the line its commit record names.
    expect(s3.counts.get).toBe(1 + shards.length + 1 + 1 + 1 + 1);
    expect(s3.counts.listPage).toBe(pages(MANIFESTS + 1) + (1 + pages(MANIFESTS + 1)) + 1 + pages(MANIFESTS + 1) + 1 + 1 + 2);
  });

  it('never trusts a summary whose manifest was replaced: the new manifest\'s blobs are kept', async () => {
    await registry.gc({ dryRun: false });
    // Version 3 of line 0 is deleted and pushed again with other content: same key, new etag.
    await registry.deleteVersion(`${lineOf(0)}@3`);
    const { manifest } = await registry.push(`${lineOf(0)}@3`, [{ name: 'model.bin', body: Buffer.from('replacement') }]).then(async (result) => ({ manifest: await registry.manifest(result.ref) }));
    const replacement = manifest.artifacts[0]!.digest;
    const original = sha256(`model 0 3`);
    for (const digest of [replacement, original]) memory.backdate(keys.blobKey(digest), 2 * 24 * HOUR);
    const report = await registry.gc({ dryRun: false });
    expect(report.deleted).toEqual([original]);
    expect(await memory.head(keys.blobKey(replacement))).toBeDefined();
    expect((await registry.verify()).ok).toBe(true);
  });

  it('counts manifests committed between its two passes, and removes superseded snapshots and their shards after an hour', async () => {
    await registry.gc({ dryRun: false });
    await registry.push(lineOf(1), [{ name: 'model.bin', body: Buffer.from('later') }]);
    await registry.gc({ dryRun: false });
    expect(await keysUnder('catalog/snapshots/')).toHaveLength(2);
    const shardsBefore = await keysUnder('catalog/shards/');
    for (const key of [...(await keysUnder('catalog/snapshots/')), ...shardsBefore]) memory.backdate(key, 2 * HOUR);
    await registry.gc({ dryRun: false });
    const { key, shards } = await newestSnapshot();
    expect(await keysUnder('catalog/snapshots/')).toEqual([key]);
    expect((await keysUnder('catalog/shards/')).sort()).toEqual(shards.map((shard) => `catalog/shards/${shard.id}.json.gz`).sort());
    expect(shardsBefore.length).toBeGreaterThan(shards.length);
  });

  it('a dry run writes no snapshot', async () => {
    await registry.gc();
    expect(await keysUnder('catalog/')).toEqual([]);
  });
});

describe('other registry-wide reads', () => {
  it('list with a metric filter reads only the matching manifests of the store it names', async () => {
    await registry.reindex();
    s3.reset();
    const found = await registry.list({ store: 'store-1', metrics: { rmse: { gte: 0.3 } } });
    expect(found.map((manifest) => manifest.product)).toHaveLength(LINES / 4);
    expect(found.every((manifest) => manifest.store === 'store-1' && manifest.version === 3)).toBe(true);
    const shardsRead = s3.counts.get - found.length - 1;
    expect(shardsRead).toBeGreaterThanOrEqual(1);
    expect(shardsRead).toBeLessThan((await newestSnapshot()).shards.length);
    expect(s3.counts.listPage).toBe(1 + pages(MANIFESTS / 4));
  });

  it('list with latestOnly and a tag filter matches on the newest version of each line', async () => {
    await registry.push(lineOf(2), [{ name: 'model.bin', body: Buffer.from('v4') }], { tags: { v: '4' } });
    const latest = await registry.list({ tags: { v: '3' }, latestOnly: true });
    expect(latest).toHaveLength(LINES - 1);
    expect(latest.map((manifest) => `${manifest.product}@${manifest.version}`)).not.toContain('product-2@3');
  });

  it('lineOverview gives every line\'s versions, newest version and alias names from the snapshot', async () => {
    await registry.promote(`${lineOf(4)}@2`);
    await registry.reindex();
    const { shards } = await newestSnapshot();
    s3.reset();
    const lines = await registry.lineOverview({ store: 'store-0' });
    expect(lines).toHaveLength(LINES / 4);
    expect(lines.find((line) => line.product === 'product-4')).toEqual({ store: 'store-0', product: 'product-4', type: 'xgb', versions: VERSIONS, latest: VERSIONS, aliases: ['production'] });
    expect(s3.counts.get).toBeLessThanOrEqual(1 + shards.length);
    expect(s3.counts.listPage).toBe(1 + pages(MANIFESTS / 4 + 1));
  });

  it('verify of everything, dependents and reindex read the snapshot instead of the manifests', async () => {
    const base = await registry.resolve(`${lineOf(3)}@1`);
    await registry.push(lineOf(9), [{ name: 'meta.bin', body: Buffer.from('meta') }], { dependencies: [{ ref: base.ref, role: 'source' }] });
    const reindexed = await registry.reindex();
    expect(reindexed).toMatchObject({ manifests: MANIFESTS + 1, read: MANIFESTS + 1, fromCatalog: 0 });
    const { shards } = await newestSnapshot();
    s3.reset();
    expect((await registry.dependents(base.ref)).map((entry) => entry.ref)).toEqual([`${lineOf(9)}@4`]);
    expect(s3.counts.get).toBe(1 + 1 + shards.length); // the start version's manifest, then the snapshot
    memory.corrupt(keys.blobKey(sha256('model 7 2')), Buffer.from('bit rot'));
    const report = await registry.verify();
    expect(report.corrupt.map((entry) => entry.referencedBy)).toEqual([[`${lineOf(7)}@2:model.bin`]]);
    expect(await registry.reindex()).toMatchObject({ read: 0, fromCatalog: MANIFESTS + 1, snapshot: undefined, shardsWritten: 0 });
  });
});
