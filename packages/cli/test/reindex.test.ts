import { expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelregJson, seededTempDirs } from './support/cli.js';

const withVersions = seededTempDirs(async (cwd) => {
  for (const weights of ['one', 'two', 'three']) {
    await writeFile(join(cwd, 'model.bin'), weights);
    await modelregJson(['push', 'a/b/c', 'model.bin', '--metric', `rmse=${weights.length}`], { cwd });
  }
});

it('reindex summarizes the manifests it lacks, then finds nothing to do until the registry changes', () =>
  withVersions(async (cwd) => {
    expect(await modelregJson(['reindex'], { cwd })).toMatchObject({ manifests: 3, read: 3, fromCatalog: 0, snapshot: expect.stringMatching(/^catalog\/snapshots\//) });
    expect(await modelregJson(['reindex'], { cwd })).toEqual({ manifests: 3, read: 0, fromCatalog: 3, snapshot: null, shardsWritten: 0, shardsReused: 1 });
    await writeFile(join(cwd, 'model.bin'), 'four');
    await modelregJson(['push', 'a/b/c', 'model.bin', '--metric', 'rmse=4'], { cwd });
    expect(await modelregJson(['reindex'], { cwd })).toMatchObject({ manifests: 4, read: 1, fromCatalog: 3, shardsWritten: 1 });
    const { versions } = await modelregJson(['ls', 'a', '--metric', 'rmse<4'], { cwd });
    expect(versions.map((version: { ref: string }) => version.ref)).toEqual(['a/b/c@1', 'a/b/c@2']);
  }));
