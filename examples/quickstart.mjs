// The README's main job: push a small sample model with two artifacts to a local registry,
// promote it to production, resolve it and pull it back into a folder.
// Usage: pnpm example   (registry folder: MODELREG_DIR, default ./.modelreg)
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRegistry } from '@modelreg/core';
import { LocalStore } from '@modelreg/backend-local';

const registryDir = resolve(process.env.MODELREG_DIR ?? '.modelreg');
const registry = createRegistry({ backend: new LocalStore({ root: registryDir }) });

// A stand-in for what a training job writes: model weights and a fitted encoder.
const trainingOutput = await mkdtemp(join(tmpdir(), 'modelreg-example-'));
const modelPath = join(trainingOutput, 'model.onnx');
const encoderPath = join(trainingOutput, 'encoder.json');
await writeFile(modelPath, randomBytes(2 * 1024 * 1024));
await writeFile(encoderPath, JSON.stringify({ store: ['north', 'south'], weekday: [0, 1, 2, 3, 4, 5, 6] }));

try {
  const pushed = await registry.push(
    'demo-store/sales-forecast/xgboost',
    [
      { name: 'model.onnx', body: modelPath, kind: 'model', mediaType: 'application/onnx' },
      { name: 'encoder.json', body: encoderPath, kind: 'encoder', mediaType: 'application/json' },
    ],
    {
      description: 'Daily sales forecast, example run',
      metrics: { rmse: 12.4, mape: 0.081 },
      params: { max_depth: 6, eta: 0.1 },
      tags: { team: 'forecasting' },
      dataRange: { start: '2026-01-01', end: '2026-10-31' },
    },
  );
  console.log(`pushed   ${pushed.ref} (${pushed.uploadedBytes} bytes uploaded, reused: ${pushed.reusedArtifacts.join(", ") || "none"})`);

  const promoted = await registry.promote(pushed.ref, 'production');
  console.log(`promoted ${pushed.ref} to production`);

  const production = await registry.resolve('demo-store/sales-forecast/xgboost@production');
  console.log(`resolved demo-store/sales-forecast/xgboost@production -> v${production.version} (alias history: ${promoted.history.length} moves)`);

  const pullDir = join(registryDir, '..', '.modelreg-pulled', `v${production.version}`);
  const pulled = await registry.pull(production, pullDir);
  console.log(`pulled   ${pulled.ref} into ${pullDir}: ${(await readdir(pullDir)).sort().join(', ')} (digests verified)`);
  console.log(`registry ${registryDir}: versions ${(await registry.versions('demo-store/sales-forecast/xgboost')).join(', ')}`);
} finally {
  await rm(trainingOutput, { recursive: true, force: true });
}
