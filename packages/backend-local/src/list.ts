import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ListEntry, type ListOptions, type ObjectInfo, throwIfAborted } from '@modelreg/core';
import { objectInfo } from './object-info.js';
import { translateFsError } from './translate-error.js';

export interface ListSource {
  /** Keys never listed: the store's own files. */
  skip: (key: string) => boolean;
  /** Refuses a starting folder that leads out of the store (a symbolic link above it). */
  checkStart: (folderKey: string) => Promise<void>;
}

/** Every object (and, with a delimiter, every folder that holds one) under `prefix`, in byte order. */
export async function* listObjects(root: string, prefix: string, options: ListOptions, source: ListSource): AsyncGenerator<ListEntry> {
  try {
    await source.checkStart(prefix.slice(0, prefix.lastIndexOf('/') + 1));
    for await (const entry of sortedWalk(root, prefix, options.delimiter === '/', source.skip)) {
      throwIfAborted(options.signal, prefix); // between folder reads, which take no signal
      if (entry.type === 'folder') {
        yield { type: 'prefix', prefix: entry.prefix };
        continue;
      }
      const info = await fileInfo(join(root, ...entry.key.split('/')));
      if (info) yield { type: 'object', key: entry.key, ...info };
    }
  } catch (error) {
    throw translateFsError(error, prefix, root);
  }
}

/**
 * The walk enters only real folders and yields only real files (directory entries are never
 * followed when they are links), so below the checked starting folder a plain `lstat` is enough:
 * no `realpath` per file. A file replaced by a link since its folder was read is skipped.
 */
async function fileInfo(path: string): Promise<ObjectInfo | undefined> {
  try {
    const info = await lstat(path, { bigint: true });
    return info.isFile() ? objectInfo(info) : undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
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
