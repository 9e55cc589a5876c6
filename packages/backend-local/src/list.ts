import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ListEntry, type ListOptions, type ObjectInfo, throwIfAborted } from '@modelreg/core/backend';
import { translateFsError } from './translate-error.js';

export interface ListSource {
  /** Keys never listed: the store's own files. */
  skip: (key: string) => boolean;
  /** The object's info, or undefined when it was deleted since its folder was read. */
  head: (key: string) => Promise<ObjectInfo | undefined>;
}

/** Every object (and, with a delimiter, every folder that holds one) under `prefix`, in byte order. */
export async function* listObjects(root: string, prefix: string, options: ListOptions, source: ListSource): AsyncGenerator<ListEntry> {
  try {
    for await (const entry of sortedWalk(root, prefix, options.delimiter === '/', source.skip)) {
      throwIfAborted(options.signal, prefix); // between folder reads, which take no signal
      if (entry.type === 'folder') {
        yield { type: 'prefix', prefix: entry.prefix };
        continue;
      }
      const info = await source.head(entry.key);
      if (info) yield { type: 'object', key: entry.key, ...info };
    }
  } catch (error) {
    throw translateFsError(error, prefix, root);
  }
}

type WalkEntry = { type: 'file'; key: string } | { type: 'folder'; prefix: string };

/** Folders sort as if their name ended in "/", so the walk yields keys in byte order, as object stores list. */
function sortKey(entry: Dirent): Buffer {
  return Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name);
}

async function entriesOf(folder: string): Promise<Dirent[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

async function containsFile(folder: string): Promise<boolean> {
  for (const entry of await entriesOf(folder)) {
    if (entry.isFile() || (entry.isDirectory() && (await containsFile(join(folder, entry.name))))) return true;
  }
  return false;
}

/**
 * Walks the keys under `prefix` below `root` in byte order, one folder read at a time. With
 * `grouped`, a folder is reported once as a prefix (only if it holds a file: empty folders left by
 * deletes are not objects) instead of being entered.
 */
async function* sortedWalk(root: string, prefix: string, grouped: boolean, skip: (key: string) => boolean): AsyncGenerator<WalkEntry> {
  const slash = prefix.lastIndexOf('/');
  const folderKey = prefix.slice(0, slash + 1);
  const namePrefix = prefix.slice(slash + 1);

  async function* walk(keyPrefix: string, filter: string): AsyncGenerator<WalkEntry> {
    const folder = join(root, ...keyPrefix.split('/').filter(Boolean));
    for (const entry of await entriesOf(folder)) {
      if (!entry.name.startsWith(filter)) continue;
      const key = keyPrefix + entry.name;
      if (skip(key)) continue;
      if (entry.isFile()) {
        yield { type: 'file', key };
      } else if (entry.isDirectory()) {
        if (!grouped) yield* walk(`${key}/`, '');
        else if (await containsFile(join(folder, entry.name))) yield { type: 'folder', prefix: `${key}/` };
      }
    }
  }

  yield* walk(folderKey, namePrefix);
}
