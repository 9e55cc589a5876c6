// No server at all: the in-memory backend, for fast tests of code that only needs a registry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAll } from '@modelreg/core';
import { startTestRegistry } from '@modelreg/testing';

test('an in-memory registry, seeded and thrown away', async (t) => {
  const kit = await startTestRegistry({ backend: 'memory', seed: { 'a/b/c': { files: { 'model.bin': new Uint8Array([1, 2]) } } } });
  t.after(() => kit.stop());
  assert.deepEqual([...(await readAll(await kit.registry.openArtifact('a/b/c@1', 'model.bin')))], [1, 2]);
});
