import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import type { TestServer } from './types.js';

const CEPH_SCRIPT = fileURLToPath(new URL('../../scripts/ceph-rgw.sh', import.meta.url));
const ACCESS_KEY = 'modelreg-test-access';
const SECRET_KEY = 'modelreg-test-secret-0123456789abcdef';
export const CEPH_INSTALL_HINT = 'apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common';

/** A one-node Ceph cluster with a RADOS Gateway on 127.0.0.1 (scripts/ceph-rgw.sh), its state in a temp folder that `stop` deletes. */
export async function startCephRgw(): Promise<TestServer<'s3'>> {
  const dir = await mkdtemp(join(tmpdir(), 'modelreg-ceph-rgw-'));
  const port = await freePort();
  const stopSync = () => {
    execFileSync('bash', [CEPH_SCRIPT, 'stop', dir], { stdio: 'ignore' });
  };
  try {
    await promisify(execFile)('bash', [CEPH_SCRIPT, 'start', dir, String(port)], {
      env: { ...process.env, CEPH_RGW_ACCESS_KEY: ACCESS_KEY, CEPH_RGW_SECRET_KEY: SECRET_KEY },
      timeout: 180_000,
    });
  } catch (error) {
    stopSync();
    const output = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`Starting the Ceph RADOS Gateway failed: ${output || (error as Error).message}`, { cause: error });
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    kind: 's3',
    connection: { endpoint, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, region: 'us-east-1' },
    description: `Ceph RADOS Gateway at ${endpoint} (state in ${dir})`,
    stop: async () => {
      await promisify(execFile)('bash', [CEPH_SCRIPT, 'stop', dir]);
    },
    stopSync,
  };
}
