import { execFileSync } from 'node:child_process';
import { loadTestcontainers } from './docker.js';
import type { TestServer } from './types.js';

/**
 * The last multi-arch MinIO image (MinIO ships source only since), and the first release that
 * enforces both `If-None-Match: *` and `If-Match` on PutObject as the registry needs.
 */
export const MINIO_IMAGE = 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z';

/** MinIO in a container through testcontainers; MODELREG_TEST_MINIO_IMAGE picks another image. */
export async function startMinio(image = process.env.MODELREG_TEST_MINIO_IMAGE || MINIO_IMAGE): Promise<TestServer<'s3'>> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  const accessKeyId = 'modelreg-test';
  const secretAccessKey = 'modelreg-test-secret';
  const container = await new GenericContainer(image)
    .withCommand(['server', '/data'])
    .withEnvironment({ MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey })
    .withExposedPorts(9000)
    .withWaitStrategy(Wait.forHttp('/minio/health/live', 9000))
    .start();
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(9000)}`;
  const id = container.getId();
  return {
    kind: 's3',
    connection: { endpoint, accessKeyId, secretAccessKey, region: 'us-east-1' },
    description: `MinIO (${image}) in container ${id.slice(0, 12)} at ${endpoint}`,
    stop: async () => {
      await container.stop();
    },
    stopSync: () => {
      execFileSync('docker', ['rm', '--force', id], { stdio: 'ignore' });
    },
  };
}
