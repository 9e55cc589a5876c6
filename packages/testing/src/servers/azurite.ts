import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTestcontainers } from './docker.js';
import type { TestServer } from './types.js';

// Azurite's well-known development account: https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
/** The container image when the azurite package is not installed to name its version. */
const AZURITE_DEFAULT_VERSION = '3.35.0';

// The newest @azure/storage-blob speaks an API version Azurite refuses unless told not to check it.
const AZURITE_FLAGS = ['--skipApiVersionCheck', '--disableTelemetry', '--silent'];
const STARTUP_TIMEOUT_MS = 60_000;

function connectionStringFor(blobEndpoint: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;
}

function azuritePackage(): { root: string; version: string; blobBin: string } | undefined {
  try {
    const path = createRequire(import.meta.url).resolve('azurite/package.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { version: string; bin: Record<string, string> };
    return { root: dirname(path), version: manifest.version, blobBin: manifest.bin['azurite-blob']! };
  } catch {
    return undefined;
  }
}

/** Azurite in a container (testcontainers), the image tag matching the installed azurite package when there is one. */
export async function startAzuriteContainer(): Promise<TestServer<'azure'>> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  const version = azuritePackage()?.version ?? AZURITE_DEFAULT_VERSION;
  const container = await new GenericContainer(`mcr.microsoft.com/azure-storage/azurite:${version}`)
    .withCommand(['azurite-blob', '--blobHost', '0.0.0.0', ...AZURITE_FLAGS])
    .withExposedPorts(10000)
    .withWaitStrategy(Wait.forLogMessage(/successfully listens/))
    .start();
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(10000)}/${DEV_ACCOUNT}`;
  return {
    kind: 'azure',
    connection: { connectionString: connectionStringFor(endpoint) },
    description: `Azurite ${version} in a container at ${endpoint}`,
    stop: async () => {
      await container.stop();
    },
    stopSync: () => {}, // testcontainers' reaper removes the container when this process is gone
  };
}

/** Azurite from node_modules on a port the OS picks, its data in a temp folder that `stop` deletes. */
export async function startAzuriteProcess(): Promise<TestServer<'azure'>> {
  const azurite = azuritePackage();
  if (!azurite) {
    throw new Error('No Azure Blob server: set MODELREG_TEST_AZURE_CONNECTION_STRING, start a Docker daemon, or add the azurite package to your devDependencies.');
  }
  const folder = await mkdtemp(join(tmpdir(), 'modelreg-azurite-'));
  const child = spawn(process.execPath, [join(azurite.root, azurite.blobBin), '--blobHost', '127.0.0.1', '--blobPort', '0', '-l', folder, ...AZURITE_FLAGS], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stopSync = () => {
    if (running()) child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  };
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    stopSync();
  };
  try {
    const endpoint = await listeningEndpoint(child, exited);
    return {
      kind: 'azure',
      connection: { connectionString: connectionStringFor(`${endpoint}/${DEV_ACCOUNT}`) },
      description: `Azurite ${azurite.version} (pid ${child.pid}) at ${endpoint}, data in ${folder}`,
      stop,
      stopSync,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves with the URL Azurite prints once it listens; rejects with its output if it exits or stalls first. */
function listeningEndpoint(child: ChildProcess, exited: Promise<number | null>): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let listening = false;
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`Azurite ${why}. Its output:\n${output}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${STARTUP_TIMEOUT_MS / 1000} s`), STARTUP_TIMEOUT_MS);
    const collect = (chunk: string) => {
      if (listening) return;
      output += chunk;
      const match = /successfully listens on (http:\/\/\S+)/.exec(output);
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    // Keep draining both pipes for the server's lifetime, or a chatty server would block on a full pipe.
    child.stdout!.setEncoding('utf8').on('data', collect);
    child.stderr!.setEncoding('utf8').on('data', collect);
    void exited.then((code) => fail(`exited with ${code}`));
  });
}
