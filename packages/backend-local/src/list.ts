import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ListEntry, type ListOptions, type ObjectInfo, throwIfAborted } from '@modelreg/core/backend';
import { objectInfo } from './object-info.js';
import { translateFsError } from './translate-error.js';

/**
 * Folder reads and file stats started ahead of the one the walk waits for, per folder level. A
 * line of 1,000 versions is 1,000 folders of one manifest each: read one at a time, the listing
 * waits for 2,000 round trips to the file system's thread pool in a row. A folder read ahead
 * also starts the work of its own first entries, so a walk into it rarely waits. Memory: at most
 * `READ_AHEAD` x `READ_AHEAD` folder listings and stats per level.
 */
const READ_AHEAD = 16;

export interface ListSource {
  /** Keys never listed: the store's own files. */
  skip: (key: string) => boolean;
  /** Refuses a starting folder that leads out of the store (a symbolic link above it). */
  checkStart: (folderKey: string) => Promise<void>;
}

/** A folder's entries in byte order, each with its work (a file's stat, a subfolder's read or emptiness check) once started. */
interface Folder {
  keyPrefix: string;
  entries: Dirent[];
  work: Array<Promise<unknown>>;
}

/** Every object (and, with a delimiter, every folder that holds one) under `prefix`, in byte order. */
export async function* listObjects(root: string, prefix: string, options: ListOptions, source: ListSource): AsyncGenerator<ListEntry> {
  const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const grouped = options.delimiter === '/';
  const pathOf = (key: string) => join(root, ...key.split('/').filter(Boolean));

  /** Starts the work of the folder's entries up to `end`; a subfolder read now starts its own first entries' work when `eager`. */
  const startUpTo = (folder: Folder, end: number, eager: boolean) => {
    while (folder.work.length < Math.min(folder.entries.length, end)) {
      const entry = folder.entries[folder.work.length]!;
      const key = folder.keyPrefix + entry.name;
      const task = entry.isFile() ? fileInfo(pathOf(key)) : grouped ? containsFile(pathOf(key)) : readFolder(`${key}/`, '', eager);
      task.catch(() => undefined); // awaited by the walk unless it stops first; never an unhandled rejection
      folder.work.push(task);
    }
  };

  async function readFolder(keyPrefix: string, filter: string, eager: boolean): Promise<Folder> {
    const entries = (await entriesOf(pathOf(keyPrefix))).filter(
      (entry) => entry.name.startsWith(filter) && !source.skip(keyPrefix + entry.name) && (entry.isFile() || entry.isDirectory()),
    );
    const folder: Folder = { keyPrefix, entries, work: [] };
    if (eager) startUpTo(folder, READ_AHEAD, false);
    return folder;
  }

  async function* walk(folder: Folder): AsyncGenerator<ListEntry> {
    for (let index = 0; index < folder.entries.length; index++) {
      throwIfAborted(options.signal, prefix); // between file system calls, which take no signal
      startUpTo(folder, index + READ_AHEAD, true);
      const entry = folder.entries[index]!;
      const key = folder.keyPrefix + entry.name;
      const result = await folder.work[index];
      folder.work[index] = Promise.resolve(); // done: let the result go
      if (entry.isFile()) {
        if (result) yield { type: 'object', key, ...(result as ObjectInfo) };
      } else if (grouped) {
        if (result) yield { type: 'prefix', prefix: `${key}/` };
      } else {
        yield* walk(result as Folder);
      }
    }
  }

  try {
    await source.checkStart(folderKey);
    yield* walk(await readFolder(folderKey, prefix.slice(folderKey.length), false));
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
    if (isGone(error)) return undefined;
    throw error;
  }
}

/** Folders sort as if their name ended in "/", so the walk yields keys in byte order, as object stores list. */
function sortKey(entry: Dirent): Buffer {
  return Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name);
}

async function entriesOf(folder: string): Promise<Dirent[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
  } catch (error) {
    if (isGone(error)) return [];
    throw error;
  }
}

/** Whether a folder holds a file at any depth: empty folders left by deletes are not prefixes. */
async function containsFile(folder: string): Promise<boolean> {
  for (const entry of await entriesOf(folder)) {
    if (entry.isFile() || (entry.isDirectory() && (await containsFile(join(folder, entry.name))))) return true;
  }
  return false;
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
