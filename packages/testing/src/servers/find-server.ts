import { startAzuriteContainer, startAzuriteProcess } from './azurite.js';
import { CEPH_INSTALL_HINT, startCephRgw } from './ceph-rgw.js';
import { dockerDaemonAnswers } from './docker.js';
import { AZURE_VARIABLES, S3_VARIABLES, azureConnectionFromEnvironment, s3ConnectionFromEnvironment } from './environment.js';
import { startMinio } from './minio.js';
import { type ServerKind, type TestServer, givenServer } from './types.js';

/**
 * An S3 server, from the first source that works: one named by MODELREG_TEST_S3_* variables;
 * MinIO through testcontainers when a Docker daemon answers; a native Ceph RADOS Gateway.
 * Throws, naming all three, when none can be had: a test never silently skips.
 */
async function findS3Server(): Promise<TestServer<'s3'>> {
  const given = s3ConnectionFromEnvironment();
  if (given) return givenServer('s3', given, `S3 server from ${S3_VARIABLES.endpoint} (${given.endpoint})`);
  if (await dockerDaemonAnswers()) return startMinio();
  try {
    return await startCephRgw();
  } catch (error) {
    throw new Error(
      `No S3 server for the tests. Set ${S3_VARIABLES.endpoint}, ${S3_VARIABLES.accessKeyId} and ${S3_VARIABLES.secretAccessKey} ` +
        `(e.g. MinIO from docker/compose.yaml), run a Docker daemon (MinIO through testcontainers), or install Ceph for the native gateway: ${CEPH_INSTALL_HINT}.\n` +
        (error as Error).message,
      { cause: error },
    );
  }
}

/** An Azure Blob service: MODELREG_TEST_AZURE_CONNECTION_STRING; Azurite in a container when Docker answers; the azurite package. */
async function findAzureServer(): Promise<TestServer<'azure'>> {
  const given = azureConnectionFromEnvironment();
  if (given) return givenServer('azure', given, `Azure Blob service from ${AZURE_VARIABLES.connectionString}`);
  if (await dockerDaemonAnswers()) return startAzuriteContainer();
  return startAzuriteProcess();
}

export function findServer<K extends ServerKind>(kind: K): Promise<TestServer<K>> {
  return (kind === 's3' ? findS3Server() : findAzureServer()) as Promise<TestServer<K>>;
}
