// An Azure Blob endpoint for tests and benchmarks, from the first source that works:
// 1. MODELREG_TEST_AZURE_CONNECTION_STRING (a real account, or an Azurite you run yourself);
// 2. Azurite in a container, when a Docker daemon answers;
// 3. the `azurite` npm package started on 127.0.0.1.
// Plain JavaScript so that both the jest global setup and the benchmark script can load it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const CONNECTION_STRING_VARIABLE = 'MODELREG_TEST_AZURE_CONNECTION_STRING';

// Azurite's well-known development account: https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

// The newest @azure/storage-blob speaks an API version Azurite refuses unless told not to check it.
const AZURITE_FLAGS = ['--skipApiVersionCheck', '--disableTelemetry', '--silent'];
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * @typedef {{ connectionString: string, description: string, stop: () => Promise<void> }} AzureTestServer
 * @returns {Promise<AzureTestServer>}
 */
export async function startAzureTestServer() {
  const given = process.env[CONNECTION_STRING_VARIABLE];
  if (given) return { connectionString: given, description: `${CONNECTION_STRING_VARIABLE}`, stop: async () => {} };
  if (await dockerDaemonAnswers()) return startAzuriteContainer();
  const native = await startAzuriteProcess();
  if (native) return native;
  throw new Error(
    `No Azure Blob server for the backend-azure tests: set ${CONNECTION_STRING_VARIABLE}, start a Docker daemon, ` +
      'or install the azurite devDependency (pnpm install).',
  );
}

function connectionStringFor(blobEndpoint) {
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;
}

function azuritePackage() {
  try {
    const path = createRequire(import.meta.url).resolve('azurite/package.json');
    return { root: dirname(path), manifest: JSON.parse(readFileSync(path, 'utf8')) };
  } catch {
    return undefined;
  }
}

/** True when a Docker daemon answers on DOCKER_HOST or a usual socket; testcontainers is only loaded then. */
async function dockerDaemonAnswers() {
  const candidates = process.env.DOCKER_HOST
    ? [process.env.DOCKER_HOST]
    : ['/var/run/docker.sock', join(homedir(), '.docker/run/docker.sock'), join(homedir(), '.docker/desktop/docker.sock')]
        .concat(process.env.XDG_RUNTIME_DIR ? [join(process.env.XDG_RUNTIME_DIR, 'docker.sock')] : [])
        .map((path) => `unix://${path}`);
  for (const host of candidates) {
    const url = new URL(host);
    const target = url.protocol === 'unix:' ? { socketPath: url.pathname } : url.protocol === 'tcp:' ? { host: url.hostname, port: url.port } : undefined;
    if (!target || (target.socketPath && !existsSync(target.socketPath))) continue;
    if (await pings(target)) return true;
  }
  return false;
}

function pings(target) {
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

async function startAzuriteContainer() {
  // testcontainers 12 crashes when loaded on Node 20; 11.x is pinned, and loaded only when needed.
  const { GenericContainer, Wait } = await import('testcontainers');
  const version = azuritePackage()?.manifest.version ?? 'latest';
  const container = await new GenericContainer(`mcr.microsoft.com/azure-storage/azurite:${version}`)
    .withCommand(['azurite-blob', '--blobHost', '0.0.0.0', ...AZURITE_FLAGS])
    .withExposedPorts(10000)
    .withWaitStrategy(Wait.forLogMessage(/successfully listens/))
    .start();
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(10000)}/${DEV_ACCOUNT}`;
  return { connectionString: connectionStringFor(endpoint), description: `Azurite ${version} in a container at ${endpoint}`, stop: () => container.stop() };
}

/** Azurite from node_modules on a port the OS picks, with its data in a temp folder removed by `stop`. */
async function startAzuriteProcess() {
  const azurite = azuritePackage();
  if (!azurite) return undefined;
  const folder = await mkdtemp(join(tmpdir(), 'modelreg-azurite-'));
  const child = spawn(
    process.execPath,
    [join(azurite.root, azurite.manifest.bin['azurite-blob']), '--blobHost', '127.0.0.1', '--blobPort', '0', '-l', folder, ...AZURITE_FLAGS],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL'); // if the test run dies before stop() is called
  process.once('exit', killOnExit);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(folder, { recursive: true, force: true });
  };
  try {
    const endpoint = await listeningEndpoint(child, exited);
    return {
      connectionString: connectionStringFor(`${endpoint}/${DEV_ACCOUNT}`),
      description: `Azurite ${azurite.manifest.version} (pid ${child.pid}) at ${endpoint}, data in ${folder}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves with the URL Azurite prints once it listens; rejects with its output if it exits or stalls first. */
function listeningEndpoint(child, exited) {
  return new Promise((resolve, reject) => {
    let output = '';
    let listening = false;
    const timer = setTimeout(() => fail(`did not listen within ${STARTUP_TIMEOUT_MS / 1000} s`), STARTUP_TIMEOUT_MS);
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`Azurite ${why}. Its output:\n${output}`));
    };
    const collect = (chunk) => {
      if (listening) return;
      output += chunk;
      const match = /successfully listens on (http:\/\/\S+)/.exec(output);
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    // Keep draining both pipes for the server's lifetime, or a chatty server would block on a full pipe.
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    exited.then((code) => fail(`exited with ${code}`));
  });
}
