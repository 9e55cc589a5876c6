import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The names in a folder; none when it does not exist (yet, or any more). */
export async function dirEntries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
    throw error;
  });
}

/**
 * Removes what crashed processes left in a temp folder: every entry not modified for `olderThanMs`.
 * A live write touches its file's mtime with every chunk, so only abandoned ones get that old.
 * Returns how many entries were removed.
 */
export async function removeStaleEntries(dir: string, olderThanMs: number): Promise<number> {
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  for (const name of await dirEntries(dir)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined); // removed meanwhile by its writer
    if (info && info.mtimeMs < cutoff) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
