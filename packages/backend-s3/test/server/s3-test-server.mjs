import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * @typedef {{ endpoint: string, accessKeyId: string, secretAccessKey: string, bucket: string, region: string }} S3TestConfig
 * @typedef {object} S3TestServer A server the tests can use, and how to get rid of it.
 * @property {S3TestConfig} config
 * @property {string} description
 * @property {() => Promise<void>} stop
 * @property {() => void} stopSync For process exit, when nothing asynchronous runs any more.
 */

const CEPH_SCRIPT = fileURLToPath(new URL('../../../../scripts/servers/ceph-rgw.sh', import.meta.url));
const CEPH_ACCESS_KEY = 'modelreg-test-access';
const CEPH_SECRET_KEY = 'modelreg-test-secret-0123456789abcdef';
const MINIO_IMAGE = process.env.MODELREG_TEST_MINIO_IMAGE ?? 'minio/minio:latest';
const DEFAULT_BUCKET = 'modelreg-test';

/**
 * Finds an S3 server for the test run, in order: one named by MODELREG_TEST_S3_* variables;
 * MinIO in a container when a Docker daemon answers; a Ceph RADOS Gateway started natively on
 * 127.0.0.1. Throws, explaining all three, when none can be had: the tests never skip.
 */
/** @returns {Promise<S3TestServer>} */
export async function startS3TestServer() {
  const fromEnvironment = configFromEnvironment();
  if (fromEnvironment) return { config: fromEnvironment, description: `S3 server from MODELREG_TEST_S3_ENDPOINT (${fromEnvironment.endpoint})`, stop: async () => {}, stopSync: () => {} };
  if (await dockerDaemonAnswers()) return startMinio();
  return startCephRgw();
}

/** @returns {S3TestConfig | undefined} */
function configFromEnvironment() {
  const endpoint = process.env.MODELREG_TEST_S3_ENDPOINT;
  if (!endpoint) return undefined;
  const accessKeyId = process.env.MODELREG_TEST_S3_ACCESS_KEY;
  const secretAccessKey = process.env.MODELREG_TEST_S3_SECRET_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('MODELREG_TEST_S3_ENDPOINT is set: set MODELREG_TEST_S3_ACCESS_KEY and MODELREG_TEST_S3_SECRET_KEY too.');
  }
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    bucket: process.env.MODELREG_TEST_S3_BUCKET || DEFAULT_BUCKET,
    region: process.env.MODELREG_TEST_S3_REGION || 'us-east-1',
  };
}

/** Asks the daemon for `/_ping` without loading testcontainers (whose loading is slow, and crashes in 12.x on Node 20). */
async function dockerDaemonAnswers() {
  const host = process.env.DOCKER_HOST;
  let target;
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    const socketPath = host?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock';
    if (!existsSync(socketPath)) return false;
    target = { socketPath };
  }
  return new Promise((resolve) => {
    const ping = request({ ...target, path: '/_ping', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on('timeout', () => ping.destroy());
    ping.on('error', () => resolve(false));
    ping.end();
  });
}

/** @returns {Promise<S3TestServer>} */
async function startMinio() {
  // testcontainers 11.x: 12.x needs Node 22 and crashes while loading on Node 20.
  const { GenericContainer, Wait } = await import('testcontainers');
  const accessKeyId = 'modelreg-test';
  const secretAccessKey = 'modelreg-test-secret';
  const container = await new GenericContainer(MINIO_IMAGE)
    .withCommand(['server', '/data'])
    .withEnvironment({ MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey })
    .withExposedPorts(9000)
    .withWaitStrategy(Wait.forHttp('/minio/health/live', 9000))
    .start();
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(9000)}`;
  const id = container.getId();
  return {
    config: { endpoint, accessKeyId, secretAccessKey, bucket: DEFAULT_BUCKET, region: 'us-east-1' },
    description: `MinIO (${MINIO_IMAGE}) in container ${id.slice(0, 12)} at ${endpoint}`,
    stop: async () => {
      await container.stop();
    },
    stopSync: () => {
      execFileSync('docker', ['rm', '--force', id], { stdio: 'ignore' });
    },
  };
}

/** @returns {Promise<S3TestServer>} */
async function startCephRgw() {
  const dir = await mkdtemp(join(tmpdir(), 'modelreg-ceph-rgw-'));
  const port = await freePort();
  const stopSync = () => {
    execFileSync('bash', [CEPH_SCRIPT, 'stop', dir], { stdio: 'ignore' });
  };
  try {
    await promisify(execFile)('bash', [CEPH_SCRIPT, 'start', dir, String(port)], {
      env: { ...process.env, CEPH_RGW_ACCESS_KEY: CEPH_ACCESS_KEY, CEPH_RGW_SECRET_KEY: CEPH_SECRET_KEY },
      timeout: 180_000,
    });
  } catch (error) {
    stopSync();
    const output = error.stderr?.trim();
    throw new Error(
      'No S3 server for the backend-s3 tests. Either set MODELREG_TEST_S3_ENDPOINT, MODELREG_TEST_S3_ACCESS_KEY and ' +
        'MODELREG_TEST_S3_SECRET_KEY (e.g. MinIO from docker/compose.yaml), run a Docker daemon (MinIO via testcontainers), ' +
        'or install Ceph for the native RADOS Gateway: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common.\n' +
        `Starting the RADOS Gateway failed: ${output || error.message}`,
      { cause: error },
    );
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    config: { endpoint, accessKeyId: CEPH_ACCESS_KEY, secretAccessKey: CEPH_SECRET_KEY, bucket: DEFAULT_BUCKET, region: 'us-east-1' },
    description: `Ceph RADOS Gateway at ${endpoint} (state in ${dir})`,
    stop: async () => {
      await promisify(execFile)('bash', [CEPH_SCRIPT, 'stop', dir]);
    },
    stopSync,
  };
}

/** @returns {Promise<number>} */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
