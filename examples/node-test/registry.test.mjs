// node's own test runner: `node --test examples/node-test/`. The S3 server is the one named by
// MODELREG_TEST_S3_* when set; otherwise this process finds or starts one and stops it with the last registry.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestRegistry } from '@modelreg/testing';

let kit;

before(async () => {
  kit = await startTestRegistry({
    backend: 's3',
    seed: { 'acme/shoes/forecast': [{ files: { 'model.bin': 'v1' }, aliases: ['production'] }, { files: { 'model.bin': 'v2' }, metrics: { rmse: 0.2 } }] },
  });
});

after(() => kit?.stop());

test('production is the seeded first version', async () => {
  assert.equal((await kit.registry.resolve('acme/shoes/forecast@production')).version, 1);
});

test('promoting the latest moves production', async () => {
  await kit.registry.promote('acme/shoes/forecast@latest');
  assert.equal((await kit.registry.resolve('acme/shoes/forecast@production')).version, 2);
});
