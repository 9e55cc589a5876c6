import type { AzureConnection, S3Connection } from './types.js';

/** The environment variables that name a test server; a global setup publishes the servers it starts in them too. */
export const S3_VARIABLES = {
  endpoint: 'MODELREG_TEST_S3_ENDPOINT',
  accessKeyId: 'MODELREG_TEST_S3_ACCESS_KEY',
  secretAccessKey: 'MODELREG_TEST_S3_SECRET_KEY',
  region: 'MODELREG_TEST_S3_REGION',
  bucket: 'MODELREG_TEST_S3_BUCKET',
} as const;

export const AZURE_VARIABLES = {
  connectionString: 'MODELREG_TEST_AZURE_CONNECTION_STRING',
  container: 'MODELREG_TEST_AZURE_CONTAINER',
} as const;

export function s3ConnectionFromEnvironment(env: NodeJS.ProcessEnv = process.env): S3Connection | undefined {
  const endpoint = env[S3_VARIABLES.endpoint];
  if (!endpoint) return undefined;
  const accessKeyId = env[S3_VARIABLES.accessKeyId];
  const secretAccessKey = env[S3_VARIABLES.secretAccessKey];
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(`${S3_VARIABLES.endpoint} is set: set ${S3_VARIABLES.accessKeyId} and ${S3_VARIABLES.secretAccessKey} too.`);
  }
  return { endpoint, accessKeyId, secretAccessKey, region: env[S3_VARIABLES.region] || 'us-east-1', bucket: env[S3_VARIABLES.bucket] || undefined };
}

export function azureConnectionFromEnvironment(env: NodeJS.ProcessEnv = process.env): AzureConnection | undefined {
  const connectionString = env[AZURE_VARIABLES.connectionString];
  if (!connectionString) return undefined;
  return { connectionString, container: env[AZURE_VARIABLES.container] || undefined };
}

/** The variables that hand `connection` to processes started from now on (jest workers, `node --test` files). */
export function s3Variables(connection: S3Connection): Record<string, string> {
  const variables: Record<string, string> = {
    [S3_VARIABLES.endpoint]: connection.endpoint,
    [S3_VARIABLES.accessKeyId]: connection.accessKeyId,
    [S3_VARIABLES.secretAccessKey]: connection.secretAccessKey,
    [S3_VARIABLES.region]: connection.region,
  };
  if (connection.bucket !== undefined) variables[S3_VARIABLES.bucket] = connection.bucket;
  return variables;
}

export function azureVariables(connection: AzureConnection): Record<string, string> {
  const variables: Record<string, string> = { [AZURE_VARIABLES.connectionString]: connection.connectionString };
  if (connection.container !== undefined) variables[AZURE_VARIABLES.container] = connection.container;
  return variables;
}
