import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI: the tests run `modelreg ui` as users do, so `pnpm build` must run first. */
const BIN = fileURLToPath(new URL('../../../cli/bin/modelreg.js', import.meta.url));

export interface RunningUi {
  url: string;
  /** `http://127.0.0.1:<port>`: where the test connects, whatever address the server listens on. */
  origin: string;
  stdout: () => string;
  stop(): Promise<number | null>;
}

/** Starts `modelreg ui --port 0 ...args` in `cwd` and resolves with the URL it prints. */
export function startUi(cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningUi> {
  if (!existsSync(fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url)))) throw new Error('packages/cli is not built: run `pnpm build` first.');
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete environment.MODELREG_REGISTRY;
  const child: ChildProcess = spawn(process.execPath, [BIN, 'ui', '--port', '0', ...args], { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    void exited.then((code) => reject(new Error(`modelreg ui exited ${code} before printing its URL:\n${stderr}${stdout}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /http:\/\/\S+/.exec(stdout)?.[0];
      if (url === undefined) return;
      const port = new URL(url).port;
      resolve({
        url,
        origin: `http://127.0.0.1:${port}`,
        stdout: () => stdout,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
