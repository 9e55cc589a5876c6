import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import type { Digest } from '../digest.js';
import { dirEntries } from '../dir-entries.js';

interface Lease {
  pid: number;
  digests: Digest[];
}

/**
 * Pins shared by every loader using one cache folder: each loader keeps a lease file listing the
 * blobs of the versions it has loaded and not released, and eviction spares the blobs of every
 * lease whose process is alive. A lease left by a crashed process is dropped by the next eviction.
 * (Processes must share a PID namespace: loaders in different containers on one volume do not see
 * each other's pins.)
 */
export class PinLeases {
  private readonly own: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {
    this.own = join(dir, `${process.pid}.${randomUUID()}.json`);
  }

  /** Replaces this loader's lease; writes are queued, so the last call's set is what stays on disk. */
  update(digests: Iterable<Digest>): Promise<void> {
    const lease: Lease = { pid: process.pid, digests: [...new Set(digests)] };
    const write = async () => {
      if (lease.digests.length === 0) return rm(this.own, { force: true });
      return writeFileAtomic(this.own, Readable.from([Buffer.from(JSON.stringify(lease))]), { durable: false });
    };
    this.writing = this.writing.then(write, write);
    return this.writing;
  }

  /** The blobs pinned by other live loaders (this one's own pins are known in memory). */
  async pinnedByOthers(): Promise<Set<Digest>> {
    const pinned = new Set<Digest>();
    for (const name of await dirEntries(this.dir)) {
      const path = join(this.dir, name);
      if (path === this.own || !name.endsWith('.json')) continue;
      const lease = await readLease(path);
      if (!lease) continue; // being replaced, or removed meanwhile
      if (!isAlive(lease.pid)) {
        await rm(path, { force: true });
        continue;
      }
      for (const digest of lease.digests) pinned.add(digest);
    }
    return pinned;
  }
}

async function readLease(path: string): Promise<Lease | undefined> {
  try {
    const lease = JSON.parse(await readFile(path, 'utf8')) as Partial<Lease>;
    return typeof lease.pid === 'number' && Array.isArray(lease.digests) ? (lease as Lease) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}
