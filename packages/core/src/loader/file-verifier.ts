import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '../format/digest.js';
import { VerifyingStream } from '../blobs/hashing-streams.js';
import { IntegrityError } from '../errors.js';
import type { VerifyPolicy } from './options.js';

export type FileState = 'ok' | 'missing' | 'corrupt';

/**
 * Checks cached files against their digest under the verify policy. Re-hashing reads the whole
 * file (0.8 s for 512 MiB from the page cache on the 2-core benchmark machine), cheaper than
 * downloading it again but not free on a start, hence `'once'`: a fresh process re-hashes each file the first time
 * it uses it (catching disk faults, crashes and tampering since the download), and trusts size
 * checks for the rest of its life. Files this process downloaded itself count as checked.
 */
export class FileVerifier {
  private readonly checked = new Set<string>();

  constructor(private readonly policy: VerifyPolicy) {}

  async check(path: string, blob: { digest: Digest; size: number }, label: string, signal?: AbortSignal): Promise<FileState> {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!info) return 'missing';
    if (info.size !== blob.size) return 'corrupt';
    if (this.policy === 'always' || (this.policy === 'once' && !this.checked.has(path))) {
      try {
        await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), new VerifyingStream(blob, label), discard(), { signal });
      } catch (error) {
        if (error instanceof IntegrityError) return 'corrupt';
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'; // evicted by another process meanwhile
        throw error;
      }
    }
    this.checked.add(path);
    return 'ok';
  }

  /** Records a file this process has just verified while writing it. */
  trust(path: string): void {
    this.checked.add(path);
  }

  forget(path: string): void {
    this.checked.delete(path);
  }
}

/** A sink for streams that are read only for their side effects (hashing). */
export function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
