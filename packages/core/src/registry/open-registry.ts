import { InvalidInputError } from '../errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { redactSecrets } from '../util/redact.js';
import type { RegistryConfig } from './config.js';
import { Registry } from './registry.js';

/** What a backend needs besides the URL: the environment, and the folder a relative path is relative to. */
export interface StoreUrlContext {
  env: NodeJS.ProcessEnv;
  baseDir: string;
}

/** What a backend package exports so registries on it can be opened from a URL. */
export interface StoreUrlOpener {
  storeFromUrl(url: string, context: StoreUrlContext): ObjectStore;
}

export const REGISTRY_URL_FORMS =
  'a folder path, file:///abs/path, s3://bucket/prefix, az://account/container/prefix or an Azure connection string with ;Container=<name>';

/** The backend package for each URL scheme; each is imported only when a registry of its kind is opened. */
const BACKEND_PACKAGES: Readonly<Record<string, string>> = {
  file: '@modelreg/backend-local',
  s3: '@modelreg/backend-s3',
  az: '@modelreg/backend-azure',
};

const CONNECTION_STRING = /(^|;)\s*(AccountName|AccountKey|BlobEndpoint|SharedAccessSignature|DefaultEndpointsProtocol)=/i;

/**
 * The backend package a registry URL needs. Anything that looks like a URL must be a well-formed
 * one of a known scheme: `s3:/bucket`, `s3//bucket` or `gs://bucket` never silently becomes a
 * local folder of that name.
 */
export function backendPackageFor(url: string): string {
  if (CONNECTION_STRING.test(url)) return BACKEND_PACKAGES.az!;
  const shown = redactSecrets(url);
  const malformed = (why: string) => new InvalidInputError(`Invalid registry URL ${shown}: ${why}; expected ${REGISTRY_URL_FORMS}.`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const windowsDrive = /^[a-z]:[\\/]/i.test(url);
  if (scheme !== undefined && !windowsDrive) {
    const known = BACKEND_PACKAGES[scheme];
    if (known === undefined) throw new InvalidInputError(`Unsupported registry URL ${shown}: expected ${REGISTRY_URL_FORMS}.`);
    if (scheme !== 'file' && !url.slice(scheme.length + 1).startsWith('//')) throw malformed(`"${scheme}:" must be followed by "//"`);
    return known;
  }
  const missingColon = /^([a-z][a-z0-9+.-]*)\/\//i.exec(url)?.[1]?.toLowerCase();
  if (missingColon !== undefined && BACKEND_PACKAGES[missingColon] !== undefined) throw malformed(`did you mean "${missingColon}://"?`);
  return BACKEND_PACKAGES.file!;
}

/** Opens the store a registry URL names; the backend it names parses the rest (`storeFromUrl`). */
export async function openStore(url: string, context: Partial<StoreUrlContext> = {}): Promise<ObjectStore> {
  const specifier = backendPackageFor(url);
  let backend: StoreUrlOpener;
  try {
    backend = (await import(specifier)) as StoreUrlOpener;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(specifier)) throw error;
    throw new InvalidInputError(`Opening ${redactSecrets(url)} needs the package ${specifier}: install it next to @modelreg/core.`, { cause: error });
  }
  return backend.storeFromUrl(url, { env: context.env ?? process.env, baseDir: context.baseDir ?? process.cwd() });
}

/**
 * Opens a registry from the same URL forms as the CLI's `--registry`: a folder path or `file:` URL,
 * `s3://bucket/prefix?endpoint=...`, `az://account/container/prefix`, or an Azure connection
 * string with `;Container=<name>`. The rest of the registry config may be given too.
 */
export async function openRegistry(url: string, settings: Omit<RegistryConfig, 'backend'> & Partial<StoreUrlContext> = {}): Promise<Registry> {
  const { env, baseDir, ...config } = settings;
  return new Registry({ ...config, backend: await openStore(url, { env, baseDir }) });
}
