import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A file's text, a JSON value, or a symlink to write. */
type Entry = string | { json: unknown } | { link: string };
export type Tree = Record<string, Entry>;

/** Writes a tree of legacy files under `root` (symlinks too: they cannot live in git on every OS). */
export async function writeTree(root: string, tree: Tree): Promise<void> {
  for (const [path, entry] of Object.entries(tree)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof entry === 'string') await writeFile(target, entry);
    else if ('json' in entry) await writeFile(target, JSON.stringify(entry.json, null, 2));
    else await symlink(entry.link, target);
  }
}

/**
 * `models/<model_id>/` (000's old flat layout): full metadata, metadata without ids (read from the
 * folder name with `{store}_{product}_{type}`), a `data_splits.json` splitter, and a folder that
 * cannot be mapped (no model files).
 */
export const flatTree: Tree = {
  'models/1234_5678_xgboost_standard/model.pkl': 'flat model one',
  'models/1234_5678_xgboost_standard/metadata.json': {
    json: {
      model_id: '1234_5678_xgboost_standard', store_id: '1234', product_id: '5678', model_type: 'xgboost_standard',
      created_at: '2024-01-15T10:30:00.000000', metrics: { rmse: 12.5, mae: 8.1, notes: 'good' },
      hyperparameters: { max_depth: 6, eta: 0.1 }, training_period: { start: '2022-01-01', end: '2023-12-31' },
    },
  },
  'models/1234_5678_xgboost_standard/data_splits.json': { json: { train: [0, 100], test: [100, 120] } },
  'models/1234_5678_xgboost_standard/label_encoder.pkl': 'encoder bytes',
  'models/42_99_xgboost_quantile/model.pkl': 'flat model two',
  'models/42_99_xgboost_quantile/metadata.json': { json: { model_id: '42_99_xgboost_quantile', created_at: '2024-02-01T08:00:00', params: { alpha: 0.9 } } },
  'models/empty_model/metadata.json': { json: { model_id: 'empty_model', store_id: '1', product_id: '2', model_type: 'x' } },
  'README.txt': 'a file beside models/ is not looked at',
};

/** `models/<store>/<product>/<type>/<instance>/`: two instances of one line (created out of name order), one of another. */
export const hierarchicalTree: Tree = {
  'models/1234/5678/xgboost_standard/run_b/model.pkl': 'hier one',
  'models/1234/5678/xgboost_standard/run_b/metadata.json': { json: { created_at: '2024-03-01T00:00:00', metrics: { rmse: 10 } } },
  'models/1234/5678/xgboost_standard/run_a/model.pkl': 'hier two',
  'models/1234/5678/xgboost_standard/run_a/scaler.joblib': 'scaler',
  'models/1234/5678/xgboost_standard/run_a/metadata.json': { json: { created_at: '2024-04-01T00:00:00', metrics: { rmse: 9 }, store_id: 'other' } },
  'models/1234/9999/xgboost_quantile/2024_05/model.pkl': 'hier three',
  'models/1234/9999/xgboost_quantile/2024_05/metadata.json': { json: { created_at: '2024-05-01T00:00:00' } },
  'models/1234/stray.txt': 'not a product folder',
};

/** 004's stores: `<name>/` is version 1, `<name>_v<N>/` version N, each with a JSON sidecar. */
export const namedVersionsTree: Tree = {
  'default/model.joblib': 'nv one',
  'default/default_meta.json': { json: { name: 'default', model_type: 'gb_residual', player_type: 'batter', training_years: [2019, 2020, 2021], stats: ['hr', 'sb'], created: '2025-03-01T12:00:00' } },
  'default_v2/model.joblib': 'nv two',
  'default_v2/default_meta.json': { json: { name: 'default', model_type: 'gb_residual', player_type: 'batter', training_years: [2020, 2022], stats: ['hr'], created: '2025-04-01T12:00:00' } },
  'default_v3/model.joblib': 'nv three',
  'default_v3/default_meta.json': { json: { name: 'default', model_type: 'gb_residual', player_type: 'batter', created: '2025-05-01T12:00:00' } },
  'mtl/weights.pt': 'mtl weights',
  'mtl/meta.json': { json: { model_type: 'mtl', player_type: 'pitcher', created: '2025-01-01T00:00:00' } },
  'broken_v2/model.joblib': 'no sidecar',
};

/** 003's registry: timestamp folders, `production` symlink for one model, `registry.json` with promotions for another. */
export const timestampedTree: Tree = {
  'forecaster/20260126_103000/model.pkl': 'ts one',
  'forecaster/20260126_103000/metadata.json': { json: { model_type: 'lgbm', metrics: { direction_accuracy: 0.55 }, promoted_at: '2026-01-26T11:00:00' } },
  'forecaster/20260127_140000/model.pkl': 'ts two',
  'forecaster/20260127_140000/feature_importance.csv': 'feature,importance\n',
  'forecaster/20260127_140000/metadata.json': { json: { model_type: 'lgbm', metrics: { direction_accuracy: 0.58 }, promoted_at: '2026-01-28T09:00:00' } },
  'forecaster/production': { link: '20260127_140000' },
  'ranker/20250101_000000/model.pkl': 'rank one',
  'ranker/20250101_000000/metadata.json': { json: { model_type: 'xgb' } },
  'ranker/20250201_000000/model.pkl': 'rank two',
  'ranker/20250201_000000/metadata.json': { json: { model_type: 'xgb' } },
  'ranker/registry.json': {
    json: {
      production: '20250101_000000',
      versions: {
        '20250101_000000': { metrics: { ndcg: 0.7 }, data_range: { start: '2024-01-01', end: '2024-12-31' } },
        '20250201_000000': { metrics: { ndcg: 0.72 } },
      },
      history: [
        { version: '20250101_000000', promoted_at: '2025-01-02T00:00:00' },
        { version: '20250201_000000', promoted_at: '2025-02-02T00:00:00' },
        { version: '20250101_000000', promoted_at: '2025-02-03T00:00:00' },
      ],
    },
  },
};

/** 001's v1 runs: YAML with `_binaries/`, JSON with a content-addressed `artifacts/objects` store, and a v2 manifest that is refused. */
export const manifestV1Tree: Tree = {
  'corn/run_001/manifest.yaml': [
    'uid: run_001', 'name: pls_pipeline', 'dataset: corn', 'store_id: lab', 'created_at: "2025-06-01T10:00:00"', 'metrics:', '  r2: 0.91',
    'artifacts:',
    '  - id: "0:scaler"', '    type: transformer', '    path: _binaries/scaler.pkl',
    '  - id: "1:pls:0"', '    type: model', '    fold: 0', '    path: _binaries/fold0_model.pkl', '    depends_on: ["0:scaler"]',
    '  - id: "1:pls:1"', '    type: model', '    fold: 1', '    path: _binaries/fold1_model.pkl', '    depends_on: ["0:scaler"]',
    '  - id: "2:meta"', '    type: meta_model', '    path: _binaries/meta.pkl', '    depends_on: ["1:pls:0", "1:pls:1"]',
    '',
  ].join('\n'),
  'corn/run_001/_binaries/scaler.pkl': 'scaler v1',
  'corn/run_001/_binaries/fold0_model.pkl': 'fold zero',
  'corn/run_001/_binaries/fold1_model.pkl': 'fold one',
  'corn/run_001/_binaries/meta.pkl': 'meta model',
  'corn/run_002/manifest.json': {
    json: {
      uid: 'run_002', name: 'pls_pipeline', dataset: 'corn', store_id: 'lab', created_at: '2025-07-01T10:00:00',
      artifacts: { items: [{ artifact_id: 'enc', hash: 'abc123', name: 'label_encoder.pkl' }, { artifact_id: 'm', hash: 'def456', artifact_type: 'model', fold_id: 0, dependencies: ['enc'] }] },
    },
  },
  'artifacts/objects/abc123': 'encoder from cas',
  'artifacts/objects/de/def456.pkl': 'model from cas',
  'wheat/run_v2/manifest.yaml': 'schema_version: 2\nartifacts:\n  items: []\n',
};
