import { expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelreg, withTempDir } from './support/cli.js';

it('prints help and version with exit code 0, and usage errors as one line with exit code 2', () =>
  withTempDir(async (cwd) => {
    const help = await modelreg(['--help'], { cwd });
    expect(help.code).toBe(0);
    for (const command of ['push', 'pull', 'ls', 'info', 'versions', 'compare', 'promote', 'rollback', 'alias', 'rm', 'retain', 'gc', 'stats', 'verify', 'types']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(await modelreg(['--version'], { cwd })).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect((await modelreg(['help', 'gc'], { cwd })).stdout).toContain('--yes');

    expect(await modelreg(['frobnicate'], { cwd })).toEqual({ code: 2, stdout: '', stderr: "modelreg: unknown command 'frobnicate' (see modelreg --help)\n" });
    expect(await modelreg(['info'], { cwd })).toEqual({ code: 2, stdout: '', stderr: "modelreg: missing required argument 'ref' (see modelreg --help)\n" });
    expect((await modelreg(['ls', '--jsn'], { cwd })).stderr).toBe("modelreg: unknown option '--jsn' (Did you mean --json?) (see modelreg --help)\n");
    expect((await modelreg(['info', 'a/b/c', 'extra'], { cwd })).code).toBe(2);
  }));

it('prints one line per error, and the stack only with --debug', () =>
  withTempDir(async (cwd) => {
    const plain = await modelreg(['info', 'a/b/c'], { cwd });
    expect(plain).toEqual({ code: 1, stdout: '', stderr: 'modelreg: a/b/c has no versions; push one first.\n' });
    const debug = await modelreg(['--debug', 'info', 'a/b/c'], { cwd });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^NotFoundError: a\/b\/c has no versions; push one first\.\n\s+at /);
    expect(debug.stderr).toContain('[NOT_FOUND]');
    const usage = await modelreg(['info', 'not-a-ref', '--debug', '--json'], { cwd });
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(usage.stderr).toMatch(/^InvalidInputError: Invalid model reference/);
  }));

it('draws transfer progress on stderr only when asked or on a terminal, and keeps --json stdout clean', () =>
  withTempDir(async (cwd) => {
    await writeFile(join(cwd, 'model.bin'), Buffer.alloc(300_000, 1));
    const quiet = await modelreg(['push', 'a/b/c', 'model.bin'], { cwd });
    expect(quiet.stderr).toBe(''); // not a terminal
    const pushed = await modelreg(['push', 'a/b/c', 'model.bin', '--json', '--progress'], { cwd });
    expect(JSON.parse(pushed.stdout).ref).toBe('a/b/c@2');
    expect(pushed.stderr).toMatch(/push \S+ 100% \| 293\.0 KiB\/293\.0 KiB \| .*\/s \| ETA/);
    const pulled = await modelreg(['pull', 'a/b/c', 'out', '--progress'], { cwd });
    expect(pulled.stderr).toMatch(/pull \S+ 100% \| 293\.0 KiB\/293\.0 KiB/);
    expect((await modelreg(['pull', 'a/b/c', 'out2', '--no-progress'], { cwd })).stderr).toBe('');
  }));
