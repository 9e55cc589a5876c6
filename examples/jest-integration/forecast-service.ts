// The code under test: a training pipeline's publish step and an inference service, as a user of
// modelreg would write them. Nothing here knows about tests.
import { readFile } from 'node:fs/promises';
import type { Loader, Registry } from '@modelreg/core';

export const LINE = 'acme/shoes/forecast';

/** Publishes a trained model and promotes it to production when its rmse beats the current one. */
export async function publish(registry: Registry, weights: number[], rmse: number): Promise<{ ref: string; promoted: boolean }> {
  const { ref } = await registry.push(LINE, [{ name: 'weights.json', body: Buffer.from(JSON.stringify(weights)), mediaType: 'application/json' }], { metrics: { rmse } });
  const current = await registry.manifest(`${LINE}@production`).catch(() => undefined);
  const best = current?.metrics.rmse ?? Number.POSITIVE_INFINITY;
  if (rmse >= best) return { ref, promoted: false };
  await registry.promote(ref, 'production', { reason: `rmse ${rmse} < ${best}` });
  return { ref, promoted: true };
}

/** Forecasts with whatever model production points at, loaded (and cached) through the loader. */
export async function forecast(loader: Loader, features: number[]): Promise<number> {
  const model = await loader.load(`${LINE}@production`);
  try {
    const weights = JSON.parse(await readFile(model.files['weights.json']!, 'utf8')) as number[];
    return features.reduce((sum, feature, index) => sum + feature * (weights[index] ?? 0), 0);
  } finally {
    model.release();
  }
}
