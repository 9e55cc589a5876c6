// Core as published: `pnpm build` bundles each `exports` entry with shared chunks (scripts/bundle-dist.mjs).
// These tests import the built files, the way users and the other packages do, so run `pnpm build` first.
import { expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalStore } from '@modelreg/backend-local';
import * as full from '../dist/index.js';
import * as backend from '../dist/backend.js';
import * as loader from '../dist/loader/index.js';
import * as fs from '../dist/fs/index.js';
import * as testHelpers from '../dist/testing/helpers.js';
import { tempDirPerTest } from '../src/testing/index.js';

const dir = tempDirPerTest('published');

it('hands out one class per error from every entry', () => {
  for (const name of ['ModelregError', 'NotFoundError', 'InvalidInputError', 'PreconditionFailedError', 'IntegrityError'] as const) {
    expect(backend[name]).toBe(full[name]);
    expect(loader[name]).toBe(full[name]);
  }
});

it('hands out the same helpers from the entries built apart, which reach core through its public entries', () => {
  expect(fs.withFileLock).toBe(backend.withFileLock);
  expect(fs.DurableFileWriter).toBe(backend.DurableFileWriter);
  expect(testHelpers.invalidInputFrom(() => new LocalStore({ root: '' }))).toBeInstanceOf(full.InvalidInputError); // its instanceof check is core's class
});

it('lets an error a backend throws through @modelreg/core/backend be caught as one of @modelreg/core', async () => {
  const store = new LocalStore({ root: dir.path }); // built against @modelreg/core/backend
  const failure = await store.get('models/missing.json').catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(full.NotFoundError);
  expect(failure).toBeInstanceOf(loader.ModelregError);
  expect(() => new LocalStore({ root: '' })).toThrow(full.InvalidInputError); // its options schema is checked by core's parseOptions
});

it('pushes with the full entry and loads through the loader entry on a local store', async () => {
  const root = join(dir.path, 'store');
  const writer = full.createRegistry({ backend: new LocalStore({ root }), prefix: 'team' });
  const pushed = await writer.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.from('weights v1') }]);
  await writer.promote(pushed.ref);

  const reader = loader.createRegistryReader({ backend: new LocalStore({ root }), prefix: 'team' });
  const model = await loader.createLoader({ registry: reader, cacheDir: join(dir.path, 'cache') }).load('shop/sales/xgb@production');
  expect(model.version).toBe(pushed.version);
  expect(await readFile(join(model.dir, 'model.bin'), 'utf8')).toBe('weights v1');
  await expect(reader.resolve('shop/sales/xgb@staging')).rejects.toBeInstanceOf(full.NotFoundError);
  expect(() => loader.createLoader({ registry: reader, cacheDir: '' })).toThrow(/Invalid loader options: cacheDir/);
});
