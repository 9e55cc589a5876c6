import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { type Registry, createRegistry, importLegacy } from '@modelreg/core';
import { randomPrefix, tempDirPerBlock } from '@modelreg/core/testing';
import { manifestV1Tree, timestampedTree, writeTree } from '../../core/test/support/legacy-trees.js';
import { createTestStore } from './support/s3-test-config.js';

const root = tempDirPerBlock('import-s3');
let registry: Registry;

beforeAll(async () => {
  registry = createRegistry({ backend: createTestStore(), prefix: randomPrefix('import').slice(0, -1) });
});
afterAll(async () => {
  await registry.purge('trading', { dryRun: false }).catch(() => undefined);
  await registry.purge('lab', { dryRun: false }).catch(() => undefined);
  await registry.gc({ dryRun: false, gracePeriodMs: 0 }).catch(() => undefined);
});

it('imports legacy trees into S3, verified, with production history and fold artifacts, and a second run changes nothing', async () => {
  await writeTree(join(root.path, 'timestamped'), timestampedTree);
  await writeTree(join(root.path, 'runs'), manifestV1Tree);
  const timestamped = await importLegacy(registry, join(root.path, 'timestamped'), { store: 'trading' });
  expect(timestamped.versions.map((version) => [version.ref, version.status])).toEqual([
    ['trading/forecaster/lgbm@1', 'imported'], ['trading/forecaster/lgbm@2', 'imported'], ['trading/ranker/xgb@1', 'imported'], ['trading/ranker/xgb@2', 'imported'],
  ]);
  expect(await registry.resolve('trading/ranker/xgb@production')).toMatchObject({ version: 1 });
  expect((await registry.aliases('trading/ranker/xgb'))[0]!.history.map((event) => event.version)).toEqual([1, 2, 1]);

  const runs = await importLegacy(registry, join(root.path, 'runs'));
  expect(runs.versions.map((version) => version.status)).toEqual(['imported', 'imported']);
  expect((await registry.manifest('lab/corn/pls_pipeline@1')).artifacts.filter((artifact) => artifact.fold !== undefined)).toHaveLength(2);
  expect((await registry.verify()).ok).toBe(true);

  const again = await importLegacy(registry, join(root.path, 'timestamped'), { store: 'trading' });
  expect(again.versions.every((version) => version.status === 'present')).toBe(true);
  expect(again.aliases.map((alias) => alias.moves)).toEqual([0, 0]);
});
