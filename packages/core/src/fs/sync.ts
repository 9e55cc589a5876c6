import { open } from 'node:fs/promises';

/** fsyncs a file's bytes, or a folder's entries (after a rename into it). */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
