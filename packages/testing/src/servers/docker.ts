import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * True when a Docker daemon answers `/_ping` on DOCKER_HOST or one of the usual sockets.
 * testcontainers is loaded only after this: loading it is slow, and 12.x crashes while loading on Node 20.
 */
export async function dockerDaemonAnswers(): Promise<boolean> {
  for (const host of candidateHosts()) {
    const url = new URL(host);
    if (url.protocol === 'unix:' && existsSync(url.pathname) && (await pings({ socketPath: url.pathname }))) return true;
    if (url.protocol === 'tcp:' && (await pings({ host: url.hostname, port: Number(url.port || 2375) }))) return true;
  }
  return false;
}

function candidateHosts(): string[] {
  if (process.env.DOCKER_HOST) return [process.env.DOCKER_HOST];
  const sockets = ['/var/run/docker.sock', join(homedir(), '.docker/run/docker.sock'), join(homedir(), '.docker/desktop/docker.sock')];
  if (process.env.XDG_RUNTIME_DIR) sockets.push(join(process.env.XDG_RUNTIME_DIR, 'docker.sock'));
  return sockets.map((path) => `unix://${path}`);
}

function pings(target: { socketPath: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const ping = request({ ...target, path: '/_ping', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on('error', () => resolve(false));
    ping.on('timeout', () => ping.destroy());
    ping.end();
  });
}

/** testcontainers, loaded only when a daemon answers, with the fix named when it is not installed. */
export async function loadTestcontainers(): Promise<typeof import('testcontainers')> {
  try {
    return await import('testcontainers');
  } catch (error) {
    throw new Error('A Docker daemon answers, but testcontainers is not installed: add testcontainers@11 to your devDependencies (12.x needs Node 22).', { cause: error });
  }
}
