import { beforeEach, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IMPORT_SOURCE_TAG, InvalidInputError, MemoryStore, type Registry, createRegistry, importLegacy, planImport } from '../src/index.js';
import { tempDirPerTest } from '../src/testing/index.js';
import { type Tree, flatTree, hierarchicalTree, manifestV1Tree, namedVersionsTree, timestampedTree, writeTree } from './support/legacy-trees.js';

const root = tempDirPerTest('import');
let registry: Registry;
let store: MemoryStore;

beforeEach(async () => {
  store = new MemoryStore();
  registry = createRegistry({ backend: store });
});

async function tree(files: Tree): Promise<string> {
  await writeTree(root.path, files);
  return root.path;
}

describe('flat', () => {
  it('imports each model folder with its metadata, ids from metadata or --id-pattern, and lists what it cannot map', async () => {
    const report = await importLegacy(registry, await tree(flatTree), { idPattern: '{store}_{product}_{type}' });
    expect(report.plan).toMatchObject({ layout: 'flat', detected: true });
    expect(report.versions.map(({ source, ref, status }) => [source, ref, status])).toEqual([
      ['models/1234_5678_xgboost_standard', '1234/5678/xgboost_standard@1', 'imported'],
      ['models/42_99_xgboost_quantile', '42/99/xgboost_quantile@1', 'imported'],
    ]);
    expect(report.unmapped).toEqual([{ source: 'models/empty_model', reason: 'it holds no model files' }]);
    const manifest = await registry.manifest('1234/5678/xgboost_standard@1');
    expect(manifest).toMatchObject({
      createdAt: '2024-01-15T10:30:00.000Z',
      metrics: { rmse: 12.5, mae: 8.1 },
      params: { max_depth: 6, eta: 0.1 },
      dataRange: { start: '2022-01-01', end: '2023-12-31' },
      tags: { [IMPORT_SOURCE_TAG]: 'models/1234_5678_xgboost_standard', 'modelreg.import.layout': 'flat', 'legacy.model_id': '1234_5678_xgboost_standard' },
    });
    expect(manifest.artifacts.map(({ name, kind }) => [name, kind])).toEqual([
      ['data_splits.json', 'splitter'], ['label_encoder.pkl', 'encoder'], ['model.pkl', 'model'],
    ]);
    expect((await registry.manifest('42/99/xgboost_quantile@1')).params).toEqual({ alpha: 0.9 });
  });

  it('without --id-pattern, a model whose metadata names no ids is listed with the reason', async () => {
    const report = await importLegacy(registry, await tree(flatTree));
    expect(report.versions.map((version) => version.source)).toEqual(['models/1234_5678_xgboost_standard']);
    expect(report.unmapped).toContainEqual({
      source: 'models/42_99_xgboost_quantile',
      reason: 'no store, product, type id: the metadata names none and give --id-pattern or --store',
    });
  });

  it('a second run imports nothing new, and a changed source folder becomes a new version', async () => {
    const source = await tree(flatTree);
    const options = { idPattern: '{store}_{product}_{type}' };
    await importLegacy(registry, source, options);
    const again = await importLegacy(registry, source, options);
    expect(again.versions.map((version) => version.status)).toEqual(['present', 'present']);
    expect(await registry.versions('1234/5678/xgboost_standard')).toEqual([1]);

    await writeFile(join(source, 'models/42_99_xgboost_quantile/model.pkl'), 'retrained');
    const changed = await importLegacy(registry, source, options);
    expect(changed.versions.map(({ ref, status }) => [ref, status])).toEqual([
      ['1234/5678/xgboost_standard@1', 'present'], ['42/99/xgboost_quantile@2', 'imported'],
    ]);
  });

  it('a dry run plans refs and writes nothing; the source is never modified', async () => {
    const source = await tree(flatTree);
    const before = await readFile(join(source, 'models/1234_5678_xgboost_standard/metadata.json'), 'utf8');
    const report = await importLegacy(registry, source, { idPattern: '{store}_{product}_{type}', dryRun: true });
    expect(report.versions.map(({ ref, status }) => [ref, status])).toEqual([['1234/5678/xgboost_standard@1', 'new'], ['42/99/xgboost_quantile@1', 'new']]);
    expect(await registry.stores({ onUnreadable: () => undefined })).toEqual([]);
    await importLegacy(registry, source, { idPattern: '{store}_{product}_{type}' });
    expect(await readFile(join(source, 'models/1234_5678_xgboost_standard/metadata.json'), 'utf8')).toBe(before);
  });
});

it('hierarchical: the folders give the ids, instances of a line become versions by created_at', async () => {
  const report = await importLegacy(registry, await tree(hierarchicalTree));
  expect(report.plan.layout).toBe('hierarchical');
  expect(report.versions.map(({ source, ref }) => [source, ref])).toEqual([
    ['models/1234/5678/xgboost_standard/run_b', '1234/5678/xgboost_standard@1'],
    ['models/1234/5678/xgboost_standard/run_a', '1234/5678/xgboost_standard@2'],
    ['models/1234/9999/xgboost_quantile/2024_05', '1234/9999/xgboost_quantile@1'],
  ]);
  expect(report.unmapped).toEqual([{ source: 'models/1234/stray.txt', reason: 'a file where a product folder was expected' }]);
  const second = await registry.manifest('1234/5678/xgboost_standard@2');
  expect(second.artifacts.map(({ name, kind }) => [name, kind])).toEqual([['model.pkl', 'model'], ['scaler.joblib', 'transformer']]);
  expect(second.createdAt).toBe('2024-04-01T00:00:00.000Z');
});

it('an interrupted run continues where it stopped', async () => {
  const source = await tree(hierarchicalTree);
  const controller = new AbortController();
  const first = importLegacy(registry, source, {
    signal: controller.signal,
    onProgress: (event) => {
      if (event.artifact.includes('/run_a/') && event.type === 'artifact-start') controller.abort();
    },
  });
  await expect(first).rejects.toThrow();
  expect(await registry.versions('1234/5678/xgboost_standard')).toEqual([1]);
  const resumed = await importLegacy(registry, source);
  expect(resumed.versions.map(({ source: folder, ref, status }) => [folder.split('/').pop(), ref, status]).slice(0, 2)).toEqual([
    ['run_b', '1234/5678/xgboost_standard@1', 'present'], ['run_a', '1234/5678/xgboost_standard@2', 'imported'],
  ]);
  expect(await registry.versions('1234/5678/xgboost_standard')).toEqual([1, 2]);
});

it('named-versions: version numbers are kept, the sidecar gives type, group, years and stats', async () => {
  const report = await importLegacy(registry, await tree(namedVersionsTree), { store: 'fbm' });
  expect(report.plan.layout).toBe('named-versions');
  expect(report.versions.map(({ source, ref }) => [source, ref])).toEqual([
    ['default', 'fbm/default/gb_residual@1'], ['default_v2', 'fbm/default/gb_residual@2'], ['default_v3', 'fbm/default/gb_residual@3'], ['mtl', 'fbm/mtl/mtl@1'],
  ]);
  expect(report.unmapped).toEqual([{ source: 'broken_v2', reason: 'it has no JSON metadata sidecar (*_meta.json, meta.json, metadata.json)' }]);
  expect(await registry.manifest('fbm/default/gb_residual@2')).toMatchObject({
    createdAt: '2025-04-01T12:00:00.000Z', dataRange: { start: '2020', end: '2022' }, params: { stats: ['hr'] }, tags: { group: 'batter' },
  });
});

it('named-versions: a kept version number taken by another model is reported, the rest imported', async () => {
  await registry.push('fbm/default/gb_residual@2', [{ name: 'other.bin', body: Buffer.from('someone else') }]);
  const report = await importLegacy(registry, await tree(namedVersionsTree), { store: 'fbm' });
  expect(report.unmapped.map((entry) => entry.source)).toEqual(['broken_v2', 'default_v2']);
  expect(report.unmapped[1]!.reason).toContain('fbm/default/gb_residual@2 already exists');
  expect(await registry.versions('fbm/default/gb_residual')).toEqual([1, 2, 3]);
});

describe('timestamped', () => {
  it('timestamps become versions in time order and creation times; production becomes an alias with its promotion history', async () => {
    const report = await importLegacy(registry, await tree(timestampedTree), { store: 'trading' });
    expect(report.plan.layout).toBe('timestamped');
    expect(report.versions.map(({ source, ref }) => [source, ref])).toEqual([
      ['forecaster/20260126_103000', 'trading/forecaster/lgbm@1'], ['forecaster/20260127_140000', 'trading/forecaster/lgbm@2'],
      ['ranker/20250101_000000', 'trading/ranker/xgb@1'], ['ranker/20250201_000000', 'trading/ranker/xgb@2'],
    ]);
    expect(report.unmapped).toEqual([]);
    const first = await registry.manifest('trading/forecaster/lgbm@1');
    expect(first).toMatchObject({ createdAt: '2026-01-26T10:30:00.000Z', tags: { 'legacy.version': '20260126_103000' }, metrics: { direction_accuracy: 0.55 } });
    expect((await registry.manifest('trading/forecaster/lgbm@2')).artifacts.map((a) => [a.name, a.kind])).toEqual([['feature_importance.csv', 'other'], ['model.pkl', 'model']]);

    const [forecaster] = await registry.aliases('trading/forecaster/lgbm');
    expect(forecaster).toMatchObject({ alias: 'production', version: 2, previous: [1] });
    expect(forecaster!.history.map(({ version, at }) => [version, at])).toEqual([[1, '2026-01-26T11:00:00.000Z'], [2, '2026-01-28T09:00:00.000Z']]);
    const [ranker] = await registry.aliases('trading/ranker/xgb');
    expect(ranker!.history.map(({ version, at }) => [version, at])).toEqual([
      [1, '2025-01-02T00:00:00.000Z'], [2, '2025-02-02T00:00:00.000Z'], [1, '2025-02-03T00:00:00.000Z'],
    ]);
    expect(await registry.manifest('trading/ranker/xgb@1')).toMatchObject({ metrics: { ndcg: 0.7 }, dataRange: { start: '2024-01-01', end: '2024-12-31' } });

    const again = await importLegacy(registry, root.path, { store: 'trading' });
    expect(again.aliases.map((alias) => alias.moves)).toEqual([0, 0]);
    expect((await registry.aliases('trading/ranker/xgb'))[0]!.history).toHaveLength(3);
  });
});

describe('manifest-v1', () => {
  it('keeps kinds, folds and dependsOn from YAML and JSON manifests, finds binaries in _binaries/ and artifacts/objects', async () => {
    const report = await importLegacy(registry, await tree(manifestV1Tree));
    expect(report.plan.layout).toBe('manifest-v1');
    expect(report.versions.map(({ source, ref }) => [source, ref])).toEqual([['corn/run_001', 'lab/corn/pls_pipeline@1'], ['corn/run_002', 'lab/corn/pls_pipeline@2']]);
    expect(report.unmapped).toEqual([{ source: 'wheat/run_v2', reason: 'manifest.yaml is a schema_version 2 manifest, not v1: its system reads it already' }]);
    const run1 = await registry.manifest('lab/corn/pls_pipeline@1');
    expect(run1.artifacts.map(({ name, kind, fold, dependsOn }) => ({ name, kind, fold, dependsOn }))).toEqual([
      { name: 'scaler.pkl', kind: 'transformer', fold: undefined, dependsOn: [] },
      { name: 'fold0_model.pkl', kind: 'model', fold: 0, dependsOn: ['scaler.pkl'] },
      { name: 'fold1_model.pkl', kind: 'model', fold: 1, dependsOn: ['scaler.pkl'] },
      { name: 'meta.pkl', kind: 'meta_model', fold: undefined, dependsOn: ['fold0_model.pkl', 'fold1_model.pkl'] },
    ]);
    expect(run1).toMatchObject({ metrics: { r2: 0.91 }, createdAt: '2025-06-01T10:00:00.000Z' });
    const run2 = await registry.manifest('lab/corn/pls_pipeline@2');
    expect(run2.artifacts.map(({ name, kind, fold, dependsOn }) => ({ name, kind, fold, dependsOn }))).toEqual([
      { name: 'label_encoder.pkl', kind: 'encoder', fold: undefined, dependsOn: [] },
      { name: 'def456.pkl', kind: 'model', fold: 0, dependsOn: ['label_encoder.pkl'] },
    ]);
    const pulled = await registry.pull('lab/corn/pls_pipeline@2', join(root.path, 'pulled'));
    expect(await readFile(pulled.files['def456.pkl']!, 'utf8')).toBe('model from cas');
  });

  it('a run whose binary is missing or whose dependency is unknown is listed with the reason', async () => {
    await writeTree(root.path, {
      'run_a/manifest.json': { json: { store_id: 's', dataset: 'd', name: 'p', artifacts: [{ id: 'm', path: '_binaries/gone.pkl' }] } },
      'run_b/manifest.json': { json: { store_id: 's', dataset: 'd', name: 'p', artifacts: [{ id: 'm', path: 'm.pkl', depends_on: ['x'] }] } },
      'run_b/m.pkl': 'model',
    });
    const report = await importLegacy(registry, root.path);
    expect(report.unmapped).toEqual([
      { source: 'run_a', reason: 'artifact m: its binary _binaries/gone.pkl is missing' },
      { source: 'run_b', reason: 'artifact m depends on x, which the manifest does not list' },
    ]);
  });
});

describe('planning', () => {
  it('auto detection fails with the layouts it knows when nothing matches; a named layout is used as given', async () => {
    await writeTree(root.path, { 'notes.txt': 'nothing here' });
    await expect(planImport(root.path)).rejects.toThrow(InvalidInputError);
    await expect(planImport(root.path)).rejects.toThrow(/matches none of manifest-v1, timestamped, named-versions, hierarchical, flat/);
    expect((await planImport(root.path, { layout: 'flat' })).unmapped).toEqual([{ source: 'notes.txt', reason: 'a file where a model folder was expected' }]);
  });

  it('rejects a bad id pattern and a layout it does not know', async () => {
    await expect(planImport(root.path, { idPattern: '{store}_{store}' })).rejects.toThrow(/at most once/);
    await expect(planImport(root.path, { layout: 'zip' as never })).rejects.toThrow(/layout/);
  });

  it('a folder name that does not match --id-pattern is named in the reason', async () => {
    await writeTree(root.path, { 'models/nounderscores/model.pkl': 'm', 'models/nounderscores/metadata.json': { json: {} } });
    const plan = await planImport(root.path, { idPattern: '{store}_{product}_{type}' });
    expect(plan.unmapped[0]!.reason).toContain('"nounderscores" does not match --id-pattern {store}_{product}_{type}');
  });
});

describe('times kept from elsewhere', () => {
  it('push takes createdAt and setAlias takes at, normalized to UTC; anything else is refused before writing', async () => {
    const pushed = await registry.push('s/p/t', [{ name: 'm.bin', body: Buffer.from('m') }], { createdAt: '2024-01-15T10:30:00+02:00' });
    expect(pushed.manifest.createdAt).toBe('2024-01-15T08:30:00.000Z');
    await expect(registry.push('s/p/t', [{ name: 'm.bin', body: Buffer.from('n') }], { createdAt: 'last tuesday' })).rejects.toThrow(/createdAt/);
    expect(await registry.versions('s/p/t')).toEqual([1]);
    const alias = await registry.setAlias('s/p/t@1', 'production', { at: new Date('2024-02-01T00:00:00Z') });
    expect(alias.history.map((event) => event.at)).toEqual(['2024-02-01T00:00:00.000Z']);
    await expect(registry.setAlias('s/p/t@1', 'staging', { at: '2024-02-30' })).rejects.toThrow(InvalidInputError);
  });
});
