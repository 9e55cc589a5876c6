import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from '@modelreg/core';
import { UsageError, redact } from './errors.js';

/** Where a registry lives, parsed from a registry URL. Only an Azure connection string carries a secret. */
export type RegistryLocation =
  | { kind: 'local'; root: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint: string | undefined; region: string | undefined; forcePathStyle: boolean }
  | { kind: 'azure'; account: string; container: string; prefix: string; endpoint: string | undefined; connectionString?: string };

export const URL_FORMS =
  'a folder path, file:///abs/path, s3://bucket/prefix, az://account/container/prefix or an Azure connection string with ;Container=<name>';

type Env = NodeJS.ProcessEnv;

/**
 * Parses a registry URL. Relative folder paths resolve against `baseDir` (the working directory,
 * or the folder of the config file that named them).
 */
export function parseRegistryUrl(input: string, baseDir: string, env: Env): RegistryLocation {
  if (/(^|;)\s*(AccountName|AccountKey|BlobEndpoint|SharedAccessSignature|DefaultEndpointsProtocol)=/i.test(input)) {
    return parseAzureConnectionString(input);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', root: isAbsolute(input) ? input : resolve(baseDir, input) };
  const url = parseUrl(input);
  switch (scheme) {
    case 'file':
      return { kind: 'local', root: fileURLToPath(url) };
    case 's3':
      return parseS3(url, input, env);
    case 'az':
      return parseAzure(url, input);
    default:
      throw new UsageError(`Unsupported registry URL ${redact(input)}: expected ${URL_FORMS}.`);
  }
}

function parseUrl(input: string): URL {
  try {
    return new URL(input);
  } catch {
    throw new UsageError(`Invalid registry URL ${redact(input)}: expected ${URL_FORMS}.`);
  }
}

function pathSegments(url: URL): string[] {
  return url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
}

/** Reads the allowed query parameters; any other is a typo worth reporting. */
function queryParams<K extends string>(url: URL, input: string, allowed: readonly K[]): Partial<Record<K, string>> {
  const params: Partial<Record<K, string>> = {};
  for (const [name, value] of url.searchParams) {
    if (!allowed.includes(name as K)) {
      throw new UsageError(`Unknown parameter "${name}" in registry URL ${redact(input)}; allowed: ${allowed.join(', ')}.`);
    }
    params[name as K] = value;
  }
  return params;
}

function parseS3(url: URL, input: string, env: Env): RegistryLocation {
  if (url.host === '') throw new UsageError(`Registry URL ${redact(input)} names no bucket: expected s3://bucket/prefix.`);
  const params = queryParams(url, input, ['endpoint', 'region', 'forcePathStyle'] as const);
  // Read here rather than left to the SDK, so backend-s3 knows the server is not AWS and picks settings it accepts.
  const endpoint = params.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (params.forcePathStyle !== undefined && !['true', 'false'].includes(params.forcePathStyle)) {
    throw new UsageError(`forcePathStyle in registry URL ${redact(input)} must be true or false.`);
  }
  return {
    kind: 's3',
    bucket: url.host,
    prefix: pathSegments(url).join('/'),
    endpoint: endpoint || undefined,
    region: params.region,
    // S3-compatible servers (MinIO, Ceph) rarely have per-bucket DNS names.
    forcePathStyle: params.forcePathStyle === undefined ? endpoint !== undefined : params.forcePathStyle === 'true',
  };
}

function parseAzure(url: URL, input: string): RegistryLocation {
  const [container, ...prefix] = pathSegments(url);
  if (url.host === '' || container === undefined) {
    throw new UsageError(`Registry URL ${redact(input)} must name an account and a container: az://<account>/<container>/<prefix>.`);
  }
  const { endpoint } = queryParams(url, input, ['endpoint'] as const);
  return { kind: 'azure', account: url.host, container, prefix: prefix.join('/'), endpoint };
}

/**
 * A connection string names an account but no container, so the registry value adds
 * `;Container=<name>` and optionally `;Prefix=<prefix>`; both are taken out before the SDK sees it.
 */
function parseAzureConnectionString(input: string): RegistryLocation {
  const fields = connectionStringFields(input);
  const container = fields.get('container');
  if (!container) {
    throw new UsageError(
      `The registry ${redact(input)} is an Azure connection string that names no container: ` +
        'append ;Container=<name> (and ;Prefix=<prefix> if you want one), or set AZURE_STORAGE_CONNECTION_STRING and use az://<account>/<container>/<prefix>.',
    );
  }
  const connectionString = input
    .split(';')
    .filter((field) => !/^\s*(container|prefix)\s*=/i.test(field))
    .join(';');
  const account = connectionStringAccount(connectionString);
  if (account === undefined) {
    throw new UsageError(`The Azure connection string ${redact(input)} names no account: it needs AccountName= or BlobEndpoint=.`);
  }
  return { kind: 'azure', account, container, prefix: fields.get('prefix') ?? '', endpoint: undefined, connectionString };
}

const joinPath = (...parts: string[]) => parts.filter(Boolean).join('/');

/** A URL for messages: the location without credentials (a connection string is never shown). */
export function describeLocation(location: RegistryLocation): string {
  switch (location.kind) {
    case 'local':
      return location.root;
    case 's3':
      return `s3://${joinPath(location.bucket, location.prefix)}${location.endpoint === undefined ? '' : ` at ${location.endpoint}`}`;
    case 'azure':
      return `az://${joinPath(location.account, location.container, location.prefix)}`;
  }
}

/** Builds the backend; each SDK is loaded only when its kind of registry is used, which keeps start-up fast. */
export async function createStore(location: RegistryLocation, env: Env): Promise<ObjectStore> {
  switch (location.kind) {
    case 'local': {
      const { LocalStore } = await import('@modelreg/backend-local');
      return new LocalStore({ root: location.root });
    }
    case 's3': {
      const { S3Store } = await import('@modelreg/backend-s3');
      const { kind: _, ...options } = location;
      return new S3Store(options); // credentials: the SDK's chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, SSO, instance role, ...)
    }
    case 'azure': {
      const { AzureBlobStore } = await import('@modelreg/backend-azure');
      const connectionString = location.connectionString ?? env.AZURE_STORAGE_CONNECTION_STRING;
      if (connectionString && connectionStringAccount(connectionString) === location.account && location.endpoint === undefined) {
        return new AzureBlobStore({ connectionString, container: location.container, prefix: location.prefix });
      }
      return new AzureBlobStore({
        credential: 'default',
        account: location.account,
        container: location.container,
        prefix: location.prefix,
        ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }),
      });
    }
  }
}

/** The account a connection string is for: its AccountName, or the first label of its BlobEndpoint host. */
function connectionStringAccount(connectionString: string): string | undefined {
  const fields = connectionStringFields(connectionString);
  const accountName = fields.get('accountname');
  if (accountName) return accountName;
  const blobEndpoint = fields.get('blobendpoint');
  if (!blobEndpoint) return undefined;
  try {
    return new URL(blobEndpoint).hostname.split('.')[0];
  } catch {
    return undefined;
  }
}

/** The `key=value` fields of a connection string, keys lower-cased. */
function connectionStringFields(connectionString: string): Map<string, string> {
  return new Map(
    connectionString
      .split(';')
      .filter((field) => field.includes('='))
      .map((field) => [field.slice(0, field.indexOf('=')).trim().toLowerCase(), field.slice(field.indexOf('=') + 1).trim()]),
  );
}
