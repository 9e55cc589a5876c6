import { InvalidInputError, type ObjectStore } from '@modelreg/core';
import { redact } from './errors.js';

export const URL_FORMS =
  'a folder path, file:///abs/path, s3://bucket/prefix, az://account/container/prefix or an Azure connection string with ;Container=<name>';

/** What a backend needs besides the URL: the environment, and the folder a relative path is relative to. */
export interface StoreUrlContext {
  env: NodeJS.ProcessEnv;
  baseDir: string;
}

interface BackendPackage {
  storeFromUrl(url: string, context: StoreUrlContext): ObjectStore;
}

// Each SDK is loaded only when its kind of registry is used, which keeps start-up fast.
const BACKENDS: Record<string, () => Promise<BackendPackage>> = {
  local: () => import('@modelreg/backend-local'),
  s3: () => import('@modelreg/backend-s3'),
  azure: () => import('@modelreg/backend-azure'),
};

/**
 * Opens the store a registry URL names. Only the scheme is read here; the backend it names parses
 * the rest (`storeFromUrl`) and describes the store without credentials (`store.description`).
 */
export async function openStore(url: string, context: StoreUrlContext): Promise<ObjectStore> {
  const backend = await BACKENDS[backendOf(url)]!();
  return backend.storeFromUrl(url, context);
}

function backendOf(url: string): keyof typeof BACKENDS {
  if (/(^|;)\s*(AccountName|AccountKey|BlobEndpoint|SharedAccessSignature|DefaultEndpointsProtocol)=/i.test(url)) return 'azure';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'file') return 'local';
  if (scheme === 's3') return 's3';
  if (scheme === 'az') return 'azure';
  throw new InvalidInputError(`Unsupported registry URL ${redact(url)}: expected ${URL_FORMS}.`);
}
