import { expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
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
