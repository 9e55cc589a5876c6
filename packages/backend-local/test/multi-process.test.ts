import { afterAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRegistry, readAll } from '@modelreg/core';
import { LocalStore } from '../src/index.js';

const run = promisify(execFile);
const workerScript = fileURLToPath(new URL('./fixtures/push-worker.mjs', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'modelreg-multiprocess-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts 8 Node processes that act at the same moment; returns what each printed. */
async function eightProcesses(mode: 'push' | 'alias'): Promise<Array<{ worker: number; version: number }>> {
  const startAt = Date.now() + 1500;
  const outputs = await Promise.all(
    Array.from({ length: 8 }, (_, i) => run(process.execPath, [workerScript, mode, root, String(i), String(startAt)], { cwd: packageDir })),
  );
  return outputs.map(({ stdout }) => JSON.parse(stdout) as { worker: number; version: number });
}

const registry = createRegistry({ backend: new LocalStore({ root }) });

it('gives 8 separate processes pushing to one model line versions 1..8, none lost or duplicated', async () => {
  const results = await eightProcesses('push');
  expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(await registry.versions('shop/sales/xgb')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  for (const { worker, version } of results) {
    const manifest = await registry.manifest(`shop/sales/xgb@${version}`); // validated against schema v2
    expect(manifest.params).toEqual({ worker });
    expect((await readAll(await registry.openArtifact(`shop/sales/xgb@${version}`, 'model.bin'))).toString()).toBe(`worker ${worker}`);
  }
});

it('keeps every move when 8 processes move one alias at once (compare-and-swap across processes)', async () => {
  await eightProcesses('alias');
  const [staging] = await registry.aliases('shop/sales/xgb');
  expect(staging!.history.map((event) => event.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(staging!.version).toBe(staging!.history.at(-1)!.version);
});
