import { expect, it } from '@jest/globals';
import { z as classic } from 'zod';
import * as z from 'zod/mini';
import { artifactNameSchema, jsonValueSchema, manifestSchema, sha256 } from '../src/index.js';
import { lazySchema, parseOptions } from '../src/backend.js';

it('builds the schema on first use, once', () => {
  let builds = 0;
  const port = lazySchema(() => {
    builds += 1;
    return z.int().check(z.minimum(1), z.maximum(65_535));
  });
  expect(builds).toBe(0);
  expect(port.parse(8080)).toBe(8080);
  expect(port.safeParse(0).success).toBe(false);
  expect(parseOptions(port, 443, 'port')).toBe(443);
  expect(() => parseOptions(port, 70_000, 'port')).toThrow('Invalid port: (root): Too big: expected number to be <=65535.');
  expect(builds).toBe(1);
});

it('composes into zod/mini and classic zod schemas like the schema it stands for', () => {
  const upload = z.strictObject({ name: artifactNameSchema, meta: z.record(z.string(), jsonValueSchema) });
  expect(upload.parse({ name: 'folds/1/model.bin', meta: { depth: [1, { a: null }] } })).toEqual({ name: 'folds/1/model.bin', meta: { depth: [1, { a: null }] } });
  expect(() => parseOptions(upload, { name: '../x', meta: {} }, 'upload')).toThrow(/name: must be a relative path/);

  const listing = classic.object({ names: classic.array(artifactNameSchema).min(1) });
  expect(listing.parse({ names: ['model.bin'] })).toEqual({ names: ['model.bin'] });
  expect(listing.safeParse({ names: ['a/./b'] }).success).toBe(false);
  expect(artifactNameSchema).toBeInstanceOf(z.ZodMiniString); // zod's own checks see the built schema
});

it('keeps the exported schemas usable as before (fields, parse, errors)', () => {
  expect(Object.keys(manifestSchema.shape)).toContain('artifacts');
  const manifest = {
    schemaVersion: 2, store: 's', product: 'p', type: 't', version: 1, createdAt: '2026-11-23T10:00:00.000Z', description: '',
    tags: {}, metrics: {}, params: {}, dependencies: [],
    artifacts: [{ name: 'model.bin', kind: 'model', digest: sha256('x'), size: 1, mediaType: 'application/octet-stream', dependsOn: [] }],
  };
  expect(manifestSchema.parse(manifest)).toEqual(manifest);
  const result = manifestSchema.safeParse({ ...manifest, artifacts: [] });
  expect(result.success).toBe(false);
  expect(result.error?.issues[0]?.path).toEqual(['artifacts']);
});
