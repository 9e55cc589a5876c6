import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDirPerTest } from '../src/testing/index.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./fixtures/load-worker.mjs', import.meta.url));
const cache = tempDirPerTest('loader-procs');

describe('loader: two processes', () => {
  it('load the same model into one cache folder at once; both see complete, verified files, downloaded once', async () => {
    const startAt = Date.now() + 1500; // both workers loaded and pushed by then
    const outputs = await Promise.all([0, 1].map(() => run(process.execPath, [worker, cache.path, String(startAt), String(16 * 1024 * 1024)])));
    const results = outputs.map(({ stdout }) => JSON.parse(stdout) as { hashes: Record<string, string>; expected: Record<string, string>; downloadedBytes: number });
    for (const result of results) expect(result.hashes).toEqual(result.expected);
    // Whoever missed the 16 MiB blob second waited for the first one's download instead of repeating
    // it; the small one, below claimThresholdBytes, either downloaded or both did.
    const small = '{"depth": 6}'.length;
    expect([16 * 1024 * 1024 + small, 16 * 1024 * 1024 + 2 * small]).toContain(results[0]!.downloadedBytes + results[1]!.downloadedBytes);
    expect(await readdir(join(cache.path, 'tmp'))).toEqual([]);
    const blobs = (await Promise.all((await readdir(join(cache.path, 'blobs', 'sha256'))).map((fanout) => readdir(join(cache.path, 'blobs', 'sha256', fanout))))).flat();
    expect(blobs).toHaveLength(2);
  });
});
