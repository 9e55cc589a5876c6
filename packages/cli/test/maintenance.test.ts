import { expect, it } from '@jest/globals';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelreg, modelregJson, seededTempDirs } from './support/cli.js';

/** a/b/c@1..@4 (distinct bytes each) with @1 promoted, and a/b/d@1 built from a/b/c@2. */
const withHistory = seededTempDirs(async (cwd) => {
  for (const weights of ['one', 'two', 'three', 'four']) {
    await writeFile(join(cwd, 'model.bin'), weights);
    await modelregJson(['push', 'a/b/c', 'model.bin'], { cwd });
  }
  await modelregJson(['promote', 'a/b/c@1'], { cwd });
  await modelregJson(['push', 'a/b/d', 'model.bin', '--dependency', 'a/b/c@2'], { cwd });
});

/** Makes every blob of the local registry look two days old, past gc's default grace period of 24 h. */
async function ageBlobs(cwd: string): Promise<void> {
  const root = join(cwd, '.modelreg', 'blobs', 'sha256');
  const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  for (const shard of await readdir(root)) {
    for (const blob of await readdir(join(root, shard))) await utimes(join(root, shard, blob), old, old);
  }
}

it('retain is a dry run unless --yes, and spares aliased and depended-on versions', () =>
  withHistory(async (cwd) => {
    const dryRun = await modelregJson(['retain', 'a/b/c', '--keep', '1'], { cwd });
    expect(dryRun).toEqual({
      dryRun: true,
      deleted: ['a/b/c@3'],
      protected: [
        { ref: 'a/b/c@1', reason: 'alias' },
        { ref: 'a/b/c@2', reason: 'dependency' },
      ],
    });
    expect((await modelreg(['retain', '--keep', '1'], { cwd })).stdout).toContain('Would delete 1 version(s): a/b/c@3.\n');
    expect((await modelregJson(['versions', 'a/b/c'], { cwd })).versions).toHaveLength(4);
    expect(await modelregJson(['retain', '--keep', '1', '--yes'], { cwd })).toMatchObject({ dryRun: false, deleted: ['a/b/c@3'] });
    expect((await modelregJson(['versions', 'a/b/c'], { cwd })).versions.map((version: any) => version.version)).toEqual([1, 2, 4]);
    const noKeep = await modelreg(['retain'], { cwd });
    expect(noKeep.code).toBe(2);
    expect(noKeep.stderr).toContain('retain needs keep >= 1');
    expect((await modelreg(['retain', '--keep', '0'], { cwd })).code).toBe(2);
  }));

it('gc reports what it would delete, deletes only with --yes, and verify and stats describe the registry', () =>
  withHistory(async (cwd) => {
    await modelregJson(['rm', 'a/b/c@3'], { cwd });
    const young = await modelregJson(['gc'], { cwd });
    expect(young).toEqual({
      dryRun: true, scannedBlobs: 4, referencedBlobs: 3, keptYoungBlobs: 1, deletedBlobs: 0, freedBytes: 0, deleted: [], removedIncompleteWrites: 0, removedIncompleteBytes: 0,
    });

    await ageBlobs(cwd);
    const dryRun = await modelregJson(['gc'], { cwd });
    expect(dryRun).toMatchObject({ dryRun: true, deletedBlobs: 1, freedBytes: 5, deleted: [expect.stringMatching(/^sha256:[0-9a-f]{64}$/)] });
    expect((await modelreg(['gc'], { cwd })).stdout).toContain('Would delete 1 blob(s), 5 B.\nDry run: pass --yes to delete.');
    expect((await modelregJson(['gc', '--yes'], { cwd })).deleted).toEqual(dryRun.deleted);
    expect((await modelregJson(['gc', '--yes', '--grace-period', '1h'], { cwd })).deletedBlobs).toBe(0);
    expect((await modelreg(['gc', '--grace-period', 'soon'], { cwd })).code).toBe(2);

    expect(await modelregJson(['stats'], { cwd })).toEqual({
      registry: join(cwd, '.modelreg'),
      stores: 1,
      products: 1,
      types: 2,
      versions: 4,
      aliases: 1,
      blobs: 3,
      logicalBytes: 3 + 3 + 4 + 4,
      storedBytes: 3 + 3 + 4,
      dedupRatio: 1.4,
      incompleteWrites: 0,
      incompleteWriteBytes: 0,
    });
    expect((await modelreg(['stats'], { cwd })).stdout).toMatch(/dedup ratio\s+│ 1\.40x/);

    expect(await modelregJson(['verify'], { cwd })).toEqual({ checkedBlobs: 3, missing: [], corrupt: [], ok: true });
    expect((await modelreg(['verify', 'a/b/c@1'], { cwd })).stdout).toBe('Checked 1 blob(s): all intact.\n');
    const [blob] = (await modelregJson(['info', 'a/b/c@1'], { cwd })).manifest.artifacts;
    const hex = blob.digest.slice('sha256:'.length);
    await writeFile(join(cwd, '.modelreg', 'blobs', 'sha256', hex.slice(0, 2), hex), 'tampered');
    const corrupt = await modelreg(['verify', '--json'], { cwd });
    expect(corrupt.code).toBe(1);
    expect(JSON.parse(corrupt.stdout)).toMatchObject({ ok: false, missing: [], corrupt: [{ digest: blob.digest, referencedBy: ['a/b/c@1:model.bin'] }] });
    expect(corrupt.stderr).toBe('modelreg: verify found missing or corrupt blobs\n');
    expect((await modelreg(['pull', 'a/b/c@1', 'out'], { cwd })).code).toBe(1);
  }));

it('rm refuses a version others depend on and names them; --force says what it broke; purge removes a scope', () =>
  withHistory(async (cwd) => {
    const refused = await modelreg(['rm', 'a/b/c@2'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('a/b/c@2 is a dependency of a/b/d@1');
    expect((await modelreg(['lineage', 'a/b/d@1'], { cwd })).code).toBe(0);
    const forced = await modelreg(['rm', 'a/b/c@2', '--force'], { cwd });
    expect(forced.stdout).toContain('Broken: a/b/d@1 depends on it.');

    const outside = await modelreg(['purge', 'a/b/c', '--yes'], { cwd });
    expect(outside.code).toBe(0); // a/b/d@1 depended on a/b/c@2, which is already gone
    expect(await modelregJson(['purge', 'a/b'], { cwd })).toEqual({ dryRun: true, scope: 'a/b', versions: ['a/b/d@1'], aliases: [] });
    expect((await modelregJson(['purge', 'a/b', '--yes'], { cwd })).dryRun).toBe(false);
    expect((await modelregJson(['ls'], { cwd })).stores).toEqual([]); // the local backend removes emptied folders
    expect((await modelregJson(['types'], { cwd })).types).toEqual([]);
    expect((await modelreg(['purge', 'a/b/c/d'], { cwd })).code).toBe(2);
  }));

it('read-only commands skip what is not a v2 manifest and report it; gc and retain refuse, naming it', () =>
  withHistory(async (cwd) => {
    const stray = join(cwd, '.modelreg', 'models', 'a', 'b', 'c', '9');
    await mkdir(stray, { recursive: true });
    await writeFile(join(stray, 'manifest.json'), JSON.stringify({ model_id: 'from an older layout' }));
    const stats = await modelreg(['stats', '--json'], { cwd });
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ versions: 5, skipped: [{ key: 'models/a/b/c/9/manifest.json' }] });
    expect(stats.stderr).toContain('modelreg: warning: skipped models/a/b/c/9/manifest.json');
    expect((await modelreg(['verify'], { cwd })).code).toBe(0);
    expect((await modelreg(['ls', 'a/b/c', '--versions'], { cwd })).code).toBe(0);
    for (const command of [['gc', '--yes'], ['retain', '--keep', '1', '--yes']]) {
      const refused = await modelreg(command, { cwd });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('models/a/b/c/9/manifest.json');
    }
    const listed = await modelreg(['versions', 'a/b/c', '--json'], { cwd });
    expect(JSON.parse(listed.stdout).versions).toHaveLength(4);
    expect(JSON.parse(listed.stdout).skipped).toEqual([expect.objectContaining({ key: 'models/a/b/c/9/manifest.json' })]);
  }));
