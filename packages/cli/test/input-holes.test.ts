import { expect, it } from '@jest/globals';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelreg, modelregJson, withTempDir } from './support/cli.js';

/** Runs a command expected to fail as a usage error: exit 2, one line on stderr containing `message`, nothing on stdout. */
async function expectUsageError(args: string[], cwd: string, message: string | RegExp): Promise<void> {
  const result = await modelreg(args, { cwd });
  expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
}

const versionsOf = async (cwd: string, line: string): Promise<number[]> =>
  (await modelregJson(['ls', line], { cwd })).versions.map((version: { version: number }) => version.version);

it('takes push --version N as @N, and keeps --version / -V a top-level option only', () =>
  withTempDir(async (cwd) => {
    await writeFile(join(cwd, 'model.bin'), 'weights');
    expect(await modelregJson(['push', 'a/b/c', 'model.bin', '--version', '7'], { cwd })).toMatchObject({ ref: 'a/b/c@7', version: 7 });
    expect(await modelregJson(['push', 'a/b/c', '--version=8', 'model.bin'], { cwd })).toMatchObject({ ref: 'a/b/c@8' });
    expect(await modelregJson(['push', 'a/b/c@9', 'model.bin', '--version', '9'], { cwd })).toMatchObject({ ref: 'a/b/c@9' });
    expect(await modelregJson(['--json', 'push', 'a/b/c', 'model.bin', '--version', 'v10'], { cwd })).toMatchObject({ ref: 'a/b/c@10' });
    expect(await versionsOf(cwd, 'a/b/c')).toEqual([7, 8, 9, 10]);

    await expectUsageError(['push', 'a/b/c@11', 'model.bin', '--version', '12'], cwd, /a\/b\/c@11.*--version 12/);
    await expectUsageError(['push', 'a/b/c@production', 'model.bin', '--version', '12'], cwd, '--version 12');
    await expectUsageError(['push', 'a/b/c', 'model.bin', '--version', 'seven'], cwd, '--version');
    await expectUsageError(['push', 'a/b/c', 'model.bin', '--version', '0'], cwd, '--version');
    await expectUsageError(['push', 'a/b/c', 'model.bin', '--version'], cwd, "option '--version <n>' argument missing");
    expect(await versionsOf(cwd, 'a/b/c')).toEqual([7, 8, 9, 10]);

    // The program's version: before any command only; after one it is that command's option or unknown.
    expect(await modelreg(['--version'], { cwd })).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect(await modelreg(['-V'], { cwd })).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    await expectUsageError(['ls', '--version'], cwd, "unknown option '--version'");
    await expectUsageError(['info', 'a/b/c', '-V'], cwd, "unknown option '-V'");
  }));

it('accepts the global options before and after the command name', () =>
  withTempDir(async (cwd) => {
    await writeFile(join(cwd, 'model.bin'), 'weights');
    const before = await modelreg(['--registry', 'elsewhere', '--json', '--no-progress', 'push', 'a/b/c', 'model.bin'], { cwd });
    expect(before).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(before.stdout)).toMatchObject({ ref: 'a/b/c@1' });
    const after = await modelreg(['push', 'a/b/c', 'model.bin', '-r', 'elsewhere', '--json', '--progress', '--version', '5'], { cwd });
    expect(after).toMatchObject({ code: 0 });
    expect(JSON.parse(after.stdout)).toMatchObject({ ref: 'a/b/c@5' });
    expect(await modelregJson(['ls', 'a/b/c', '--registry', 'elsewhere'], { cwd })).toMatchObject({ versions: [{ version: 1 }, { version: 5 }] });
    expect(await readdir(cwd)).toEqual(expect.not.arrayContaining(['.modelreg']));
    expect(await modelregJson(['alias', 'set', 'a/b/c@5', 'staging', '--registry', 'elsewhere'], { cwd })).toMatchObject({ alias: 'staging', version: 5 });
    expect(await modelregJson(['-r', 'nowhere', 'info', 'a/b/c@staging', '-r', 'elsewhere'], { cwd })).toMatchObject({ ref: 'a/b/c@5' });
    const debug = await modelreg(['info', 'a/b/c@staging', '--registry', 'nowhere', '--debug'], { cwd });
    expect(debug).toMatchObject({ code: 1, stdout: '' });
    expect(debug.stderr).toMatch(/^NotFoundError: .*\n\s+at /);
  }));

it('follows symlinks in a pushed folder, says so, and fails on a broken one', () =>
  withTempDir(async (cwd) => {
    await mkdir(join(cwd, 'model', 'sub'), { recursive: true });
    await mkdir(join(cwd, 'shared'));
    await writeFile(join(cwd, 'model', 'weights.bin'), 'weights');
    await writeFile(join(cwd, 'shared', 'vocab.json'), '{"vocab":1}');
    await writeFile(join(cwd, 'shared', 'config.json'), '{}');
    await symlink('../shared/vocab.json', join(cwd, 'model', 'vocab.json'));
    await symlink(join(cwd, 'shared', 'config.json'), join(cwd, 'model', 'sub', 'config.json'));

    const pushed = await modelregJson(['push', 'a/b/c', 'model'], { cwd });
    expect(pushed.manifest.artifacts.map((artifact: { name: string; size: number }) => [artifact.name, artifact.size])).toEqual([
      ['sub/config.json', 2],
      ['vocab.json', 11],
      ['weights.bin', 7],
    ]);
    expect(pushed.followedSymlinks).toEqual([
      { path: join('model', 'sub', 'config.json'), target: join(cwd, 'shared', 'config.json') },
      { path: join('model', 'vocab.json'), target: '../shared/vocab.json' },
    ]);
    const human = await modelreg(['push', 'a/b/c', 'model'], { cwd });
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toMatch(/^Pushed a\/b\/c@2: 3 artifact\(s\), .*; followed 2 symlinks\.\n$/);
    expect((await modelregJson(['push', 'a/b/c', join('model', 'weights.bin')], { cwd })).followedSymlinks).toEqual([]);

    await symlink('../shared/missing.bin', join(cwd, 'model', 'sub', 'broken.bin'));
    await expectUsageError(['push', 'a/b/c', 'model'], cwd, `${join('model', 'sub', 'broken.bin')} is a broken symlink: its target ../shared/missing.bin does not exist`);
    await expectUsageError(['push', 'a/b/c', join('model', 'sub', 'broken.bin')], cwd, 'is a broken symlink: its target ../shared/missing.bin does not exist');
    expect(await versionsOf(cwd, 'a/b/c')).toEqual([1, 2, 3]);
  }));

it('follows a symlinked folder inside a pushed folder, and refuses a link back into the folder being walked', () =>
  withTempDir(async (cwd) => {
    await mkdir(join(cwd, 'model'));
    await mkdir(join(cwd, 'encoders'));
    await writeFile(join(cwd, 'model', 'weights.bin'), 'weights');
    await writeFile(join(cwd, 'encoders', 'onehot.json'), '{}');
    await symlink('../encoders', join(cwd, 'model', 'encoders'));
    const pushed = await modelregJson(['push', 'a/b/c', 'model'], { cwd });
    expect(pushed.manifest.artifacts.map((artifact: { name: string }) => artifact.name)).toEqual(['encoders/onehot.json', 'weights.bin']);
    expect(pushed.followedSymlinks).toEqual([{ path: join('model', 'encoders'), target: '../encoders' }]);

    await symlink('..', join(cwd, 'encoders', 'loop'));
    await expectUsageError(['push', 'a/b/c', 'model'], cwd, `${join('model', 'encoders', 'loop')} is a symlink to a folder that contains it`);
  }));

it('rejects artifact names that clash as a file and a folder or only by case', () =>
  withTempDir(async (cwd) => {
    await mkdir(join(cwd, 'folds', 'model'), { recursive: true });
    await writeFile(join(cwd, 'model'), 'weights');
    await writeFile(join(cwd, 'Model'), 'other weights');
    await writeFile(join(cwd, 'folds', 'model', 'bin'), 'fold');
    await expectUsageError(['push', 'a/b/c', 'model', 'folds'], cwd, /"model" .* "model\/bin"/);
    await expectUsageError(['push', 'a/b/c', 'model', 'Model'], cwd, /"model" and "Model" differ only in case/);
    expect((await modelregJson(['ls'], { cwd })).stores).toEqual([]);
  }));

it('takes metric values and ls bounds in decimal only', () =>
  withTempDir(async (cwd) => {
    await writeFile(join(cwd, 'model.bin'), 'weights');
    for (const value of ['0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', '', ' ', '1_000', '1e', '--1', '1.2.3']) {
      await expectUsageError(['push', 'a/b/c', 'model.bin', '--metric', `rmse=${value}`], cwd, `Metric "rmse" must be a finite number, got ${JSON.stringify(value)}`);
    }
    await expectUsageError(['push', 'a/b/c', 'model.bin', '--metric', 'rmse=1e400'], cwd, 'Metric "rmse" must be a finite number, got "1e400"');
    await expectUsageError(['push', 'a/b/c', 'model.bin', '--fold', '0x1'], cwd, '--fold must be a finite number, got "0x1"');
    expect((await modelregJson(['ls'], { cwd })).stores).toEqual([]);

    const metrics = { a: '-1.5', b: '2e-3', c: '.5', d: '10', e: '+3', f: '1.', h: '1E3' };
    const pushed = await modelregJson(['push', 'a/b/c', 'model.bin', ...Object.entries(metrics).flatMap(([name, value]) => ['--metric', `${name}=${value}`])], { cwd });
    expect(pushed.manifest.metrics).toEqual({ a: -1.5, b: 0.002, c: 0.5, d: 10, e: 3, f: 1, h: 1000 });

    expect((await modelregJson(['ls', 'a/b/c', '--metric', 'd<=1e1', '--metric', 'a>-2'], { cwd })).versions).toHaveLength(1);
    for (const bound of ['0x10', 'Infinity', '0b1']) {
      await expectUsageError(['ls', '--metric', `d<${bound}`], cwd, `--metric d<${bound}: the bound must be a finite number, got ${JSON.stringify(bound)}`);
    }
  }));
