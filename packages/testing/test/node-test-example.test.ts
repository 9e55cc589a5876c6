import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@jest/globals';

const EXAMPLE = fileURLToPath(new URL('../../../examples/node-test/', import.meta.url));

// The README's node:test usage, run as a user runs it; it inherits this run's MODELREG_TEST_S3_*
// server from the global setup, as `node --test` files inherit a server a wrapping script names.
test('the node:test example passes under node --test', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--test', '--test-reporter=tap', 'registry.test.mjs', 'memory.test.mjs'], { cwd: EXAMPLE });
  expect(stdout).toMatch(/^# pass 3$/m);
  expect(stdout).toMatch(/^# fail 0$/m);
});
