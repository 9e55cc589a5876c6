import { LocalStore } from '@modelreg/backend-local';
import { type Registry, createRegistry } from '@modelreg/core';
import pLimit from 'p-limit';

export function localRegistry(cwd: string): Registry {
  // Where `modelreg ui` looks by default: ./.modelreg in its working folder.
  return createRegistry({ backend: new LocalStore({ root: `${cwd}/.modelreg` }) });
}

/** Model file contents that differ per version, so every version has its own blob. */
export const modelBytes = (line: string, version: number) => Buffer.from(`${line} model, version ${version}\n`.repeat(50));

/**
 * A small registry: shop/sales/xgb with five versions (rmse falling, auc rising; production moved
 * twice with reasons, the second time by alice, staging once), shop/sales/lgbm with two, and a stacking meta-model
 * shop/sales/stack@1 built from xgb@3 and lgbm@2.
 */
export async function seedShop(registry: Registry): Promise<void> {
  for (let version = 1; version <= 5; version++) {
    await registry.push('shop/sales/xgb', [
      { name: 'model.bin', body: modelBytes('xgb', version) },
      { name: 'encoder.json', body: Buffer.from('{"columns":["a","b"]}'), kind: 'encoder' },
      { name: 'folds/0/model.bin', body: Buffer.from(`fold 0 v${version}`), fold: 0, dependsOn: ['encoder.json'] },
    ], {
      description: `xgboost retrain ${version}`,
      metrics: { rmse: 0.5 - version * 0.05, auc: 0.7 + version * 0.02 },
      params: { max_depth: 4 + (version % 2), eta: 0.1 },
      tags: { git: `abc${version}`, team: 'forecasting' },
      dataRange: { start: '2026-01-01', end: `2026-0${version}-28` },
    });
  }
  await registry.promote('shop/sales/xgb@2', 'production', { reason: 'first model to beat the baseline' });
  await registry.promote('shop/sales/xgb@3', 'production', { reason: 'rmse 0.35 beats 0.40', by: 'alice' });
  await registry.setAlias('shop/sales/xgb@5', 'staging', { reason: 'candidate' });
  for (let version = 1; version <= 2; version++) {
    await registry.push('shop/sales/lgbm', [{ name: 'model.bin', body: modelBytes('lgbm', version) }], { metrics: { rmse: 0.4 - version * 0.01 } });
  }
  await registry.push('shop/sales/stack', [{ name: 'meta.bin', body: Buffer.from('stacked'), kind: 'meta_model' }], {
    metrics: { rmse: 0.3 },
    dependencies: [{ ref: 'shop/sales/xgb@3', role: 'source' }, { ref: 'shop/sales/lgbm@2', role: 'source' }],
  });
}

/** `count` versions of one line, pushed with explicit numbers a few at a time (each push is independent). */
export async function seedLongLine(registry: Registry, line: string, count: number): Promise<void> {
  const limit = pLimit(16);
  const body = Buffer.from('the same model bytes in every version');
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      limit(() => registry.push(`${line}@${index + 1}`, [{ name: 'model.bin', body }], { metrics: { rmse: 1 / (index + 2), auc: 0.5 + index / (2 * count) }, tags: { run: `r${index + 1}` } })),
    ),
  );
}

/** `count` model lines in one store, one version each. */
export async function seedWideStore(registry: Registry, store: string, count: number): Promise<void> {
  const limit = pLimit(16);
  const body = Buffer.from('a small model');
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      limit(() => registry.push(`${store}/product-${String(index % 10).padStart(2, '0')}/type-${String(index).padStart(4, '0')}@1`, [{ name: 'model.bin', body }], { metrics: { rmse: 0.1 } })),
    ),
  );
}
