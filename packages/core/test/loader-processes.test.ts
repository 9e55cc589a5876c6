import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./fixtures/load-worker.mjs', import.meta.url));
let cacheDir: string;

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'modelreg-loader-procs-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('loader: two processes', () => {
  it('load the same model into one cache folder at once; both see complete, verified files, downloaded once', async () => {
    const startAt = Date.now() + 1500; // both workers loaded and pushed by then
    const outputs = await Promise.all([0, 1].map(() => run(process.execPath, [worker, cacheDir, String(startAt), String(16 * 1024 * 1024)])));
    const results = outputs.map(({ stdout }) => JSON.parse(stdout) as { hashes: Record<string, string>; expected: Record<string, string>; downloadedBytes: number });
    for (const result of results) expect(result.hashes).toEqual(result.expected);
    // Whoever missed the 16 MiB blob second waited for the first one's download instead of repeating
    // it; the small one, below claimThresholdBytes, either downloaded or both did.
    const small = '{"depth": 6}'.length;
    expect([16 * 1024 * 1024 + small, 16 * 1024 * 1024 + 2 * small]).toContain(results[0]!.downloadedBytes + results[1]!.downloadedBytes);
    expect(await readdir(join(cacheDir, 'tmp'))).toEqual([]);
    const blobs = (await Promise.all((await readdir(join(cacheDir, 'blobs', 'sha256'))).map((fanout) => readdir(join(cacheDir, 'blobs', 'sha256', fanout))))).flat();
    expect(blobs).toHaveLength(2);
  });
});
