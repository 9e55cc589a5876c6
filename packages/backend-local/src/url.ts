import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '@modelreg/core/backend';
import { LocalStore } from './local-store.js';

const FORMS = 'a folder path or file:///abs/path';

/**
 * The store a registry URL names: a folder path (a relative one resolves against `baseDir`, the
 * working directory or the folder of the config file that named it) or a `file:///abs/path` URL.
 */
export function storeFromUrl(url: string, context: { env: NodeJS.ProcessEnv; baseDir: string }): LocalStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return new LocalStore({ root: isAbsolute(url) ? url : resolve(context.baseDir, url) });
  if (scheme !== 'file') throw new InvalidInputError(`Registry URL ${scheme}://... is not a local folder: expected ${FORMS}.`);
  let root: string;
  try {
    root = fileURLToPath(url);
  } catch (error) {
    throw new InvalidInputError(`Invalid file registry URL: expected ${FORMS} (${(error as Error).message}).`, { cause: error });
  }
  return new LocalStore({ root });
}
