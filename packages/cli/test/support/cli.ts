import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll } from '@jest/globals';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDirPerBlock } from '@modelreg/core/testing';

/** The built binary: tests run it as users do, so `pnpm build` must run first. */
export const BIN = fileURLToPath(new URL('../../bin/modelreg.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Variables added to (or, when undefined, removed from) the test process's environment. */
  env?: Record<string, string | undefined>;
}

/** Runs `modelreg ...args` in a child process and collects its output and exit code. */
export function modelreg(args: string[], { cwd, env = {} }: RunOptions): Promise<CliResult> {
  if (!existsSync(join(BIN, '../../dist/main.js'))) throw new Error('packages/cli is not built: run `pnpm build` first.');
  // The user's own registry settings must not leak into a test.
  const environment: NodeJS.ProcessEnv = { ...process.env, MODELREG_REGISTRY: undefined, CI: undefined, ...env };
  for (const [name, value] of Object.entries(environment)) if (value === undefined) delete environment[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command expected to succeed with `--json` and returns its one JSON document; stderr must stay empty. */
export async function modelregJson<T = any>(args: string[], options: RunOptions): Promise<T> {
  const result = await modelreg([...args, '--json'], options);
  if (result.code !== 0 || result.stderr !== '') {
    throw new Error(`modelreg ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** A fresh temp folder per test, removed afterwards. */
export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'modelreg-cli-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Seeds a registry once per test file; each test then runs in a fresh temp folder holding its own
 * copy, which saves a dozen process starts per test.
 */
export function seededTempDirs(seed: (cwd: string) => Promise<void>): <T>(run: (cwd: string) => Promise<T>) => Promise<T> {
  const template = tempDirPerBlock('cli-seed');
  beforeAll(() => seed(template.path));
  return (run) =>
    withTempDir(async (dir) => {
      await cp(template.path, dir, { recursive: true });
      return run(dir);
    });
}
