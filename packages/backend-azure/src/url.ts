import { InvalidInputError } from '@modelreg/core/backend';
import { AzureBlobStore } from './azure-blob-store.js';

const FORMS = 'az://account/container/prefix?endpoint=... or an Azure connection string with ;Container=<name>[;Prefix=<prefix>]';

/**
 * The store a registry URL names: `az://account/container/prefix` (optionally `?endpoint=<blob
 * service URL>`), or a storage connection string with `;Container=<name>` and optionally
 * `;Prefix=<prefix>` appended. An `az://` URL signs in with AZURE_STORAGE_CONNECTION_STRING when
 * that names the same account (and no endpoint is given), else with DefaultAzureCredential.
 * Messages never show the connection string: it holds the account key or a SAS token.
 */
export function storeFromUrl(url: string, context: { env: NodeJS.ProcessEnv; baseDir: string }): AzureBlobStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'az') return storeFromAzUrl(url, context.env);
  if (scheme !== undefined) throw new InvalidInputError(`Registry URL ${scheme}://... is not an Azure registry: expected ${FORMS}.`);
  return storeFromConnectionString(url);
}

function storeFromAzUrl(url: string, env: NodeJS.ProcessEnv): AzureBlobStore {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError(`Invalid Azure registry URL: expected ${FORMS}.`); // the parser's error would carry the text
  }
  // The URL as messages show it: no user info, and no query, which is reported by parameter name.
  const shown = `az://${parsed.host}${parsed.pathname}`;
  const [container, ...prefix] = parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parsed.host === '' || container === undefined) {
    throw new InvalidInputError(`Registry URL ${shown} must name an account and a container: az://<account>/<container>/<prefix>.`);
  }
  for (const name of parsed.searchParams.keys()) {
    if (name !== 'endpoint') throw new InvalidInputError(`Unknown parameter "${name}" in registry URL ${shown}; allowed: endpoint.`);
  }
  const account = parsed.host;
  const endpoint = parsed.searchParams.get('endpoint') ?? undefined;
  const location = { container, prefix: prefix.join('/') };
  const connectionString = env.AZURE_STORAGE_CONNECTION_STRING;
  if (connectionString && endpoint === undefined && connectionStringAccount(connectionStringFields(connectionString)) === account) {
    return new AzureBlobStore({ connectionString, ...location });
  }
  return new AzureBlobStore({ credential: 'default', account, ...location, ...(endpoint === undefined ? {} : { endpoint }) });
}

/**
 * A connection string names an account but no container, so the registry value adds
 * `;Container=<name>` and optionally `;Prefix=<prefix>`; both are taken out before the SDK sees it.
 */
function storeFromConnectionString(input: string): AzureBlobStore {
  const fields = connectionStringFields(input);
  const container = fields.get('container');
  if (!container) {
    throw new InvalidInputError(
      'The registry is an Azure connection string that names no container: append ;Container=<name> (and ;Prefix=<prefix> if you want one), ' +
        'or set AZURE_STORAGE_CONNECTION_STRING and use az://<account>/<container>/<prefix>.',
    );
  }
  if (connectionStringAccount(fields) === undefined) {
    throw new InvalidInputError('The Azure connection string names no account: it needs AccountName= or BlobEndpoint=.');
  }
  const connectionString = input
    .split(';')
    .filter((field) => !/^\s*(container|prefix)\s*=/i.test(field))
    .join(';');
  return new AzureBlobStore({ connectionString, container, prefix: fields.get('prefix') ?? '' });
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

/** The account a connection string is for: its AccountName, or the first label of its BlobEndpoint host. */
function connectionStringAccount(fields: Map<string, string>): string | undefined {
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
