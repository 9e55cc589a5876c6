import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type Loader, createLoader } from '@modelreg/core';
import { type TestRegistry, startTestRegistry } from '@modelreg/testing';
import { LINE, forecast, publish } from './forecast-service.js';

let kit: TestRegistry<'s3'>;
let cacheDir: string;
let loader: Loader;

beforeAll(async () => {
  // A bucket (or prefix) of this file's own on the run's S3 server, with the model production runs today.
  kit = await startTestRegistry({
    backend: 's3',
    seed: { [LINE]: { files: { 'weights.json': '[1, 0]' }, metrics: { rmse: 0.5 }, aliases: ['production'] } },
  });
  cacheDir = await mkdtemp(join(tmpdir(), 'forecast-cache-'));
  loader = createLoader({ registry: kit.registry, cacheDir, aliasTtlMs: 0 });
});

afterAll(async () => {
  await loader?.close();
  await rm(cacheDir, { recursive: true, force: true });
  await kit?.stop(); // deletes the bucket or prefix
});

test('the service forecasts with the seeded production model', async () => {
  expect(await forecast(loader, [3, 4])).toBe(3);
});

test('a better model is pushed, promoted and served', async () => {
  expect(await publish(kit.registry, [0, 1], 0.2)).toEqual({ ref: `${LINE}@2`, promoted: true });
  expect(await forecast(loader, [3, 4])).toBe(4);
});

test('a worse model is pushed but production stays', async () => {
  expect(await publish(kit.registry, [10, 10], 0.9)).toEqual({ ref: `${LINE}@3`, promoted: false });
  expect((await kit.registry.resolve(`${LINE}@production`)).version).toBe(2);
  expect(await forecast(loader, [3, 4])).toBe(4);
});
