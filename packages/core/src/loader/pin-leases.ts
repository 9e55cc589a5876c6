import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { writeFileAtomic } from '../fs/atomic-file.js';
import type { Digest } from '../format/digest.js';
import { dirEntries } from '../fs/dir-entries.js';

/** How often a loader holding pins refreshes its lease file's mtime. */
const HEARTBEAT_MS = 30_000;
/** A lease from another PID namespace not refreshed for this long belongs to a loader that is gone. */
const STALE_LEASE_MS = 5 * HEARTBEAT_MS;

interface Lease {
  pid: number;
  /** Where `pid` means something: see `currentPidNamespace`. */
  pidNamespace: string;
  digests: Digest[];
}

/**
 * The host and PID namespace of this process. Containers sharing a cache volume have their own
 * namespaces, where another container's pid means nothing (or names an unrelated process).
 */
export function currentPidNamespace(): string {
  let namespace = 'no-proc';
  try {
    namespace = readlinkSync('/proc/self/ns/pid'); // e.g. pid:[4026531836]; Linux only
  } catch {
    // elsewhere the host name alone tells processes that can see each other apart
  }
  return `${hostname()}/${namespace}`;
}

/**
 * Pins shared by every loader using one cache folder: each loader keeps a lease file listing the
 * blobs of the versions it has loaded and not released, and eviction spares the blobs of every live
 * lease. A lease from this PID namespace is live while its process exists, so a crash frees its pins
 * at once; one from another namespace (another container on the volume) is live while its owner
 * keeps refreshing it, which it does every 30 s while it holds pins.
 */
export class PinLeases {
  private readonly own: string;
  private readonly pidNamespace = currentPidNamespace();
  private writing: Promise<void> = Promise.resolve();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {
    this.own = join(dir, `${process.pid}.${randomUUID()}.json`);
  }

  /** Replaces this loader's lease; writes are queued, so the last call's set is what stays on disk. */
  update(digests: Iterable<Digest>): Promise<void> {
    const lease: Lease = { pid: process.pid, pidNamespace: this.pidNamespace, digests: [...new Set(digests)] };
    const write = async () => {
      if (lease.digests.length === 0) {
        this.stopHeartbeat();
        return rm(this.own, { force: true });
      }
      await writeFileAtomic(this.own, Readable.from([Buffer.from(JSON.stringify(lease))]), { durable: false });
      this.startHeartbeat();
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
      const [lease, info] = await Promise.all([readLease(path), stat(path).catch(() => undefined)]);
      if (!lease || !info) continue; // being replaced, or removed meanwhile
      if (!this.isLive(lease, info.mtimeMs)) {
        await rm(path, { force: true });
        continue;
      }
      for (const digest of lease.digests) pinned.add(digest);
    }
    return pinned;
  }

  private isLive(lease: Lease, refreshedAtMs: number): boolean {
    if (lease.pidNamespace === this.pidNamespace) return processExists(lease.pid);
    return Date.now() - refreshedAtMs < STALE_LEASE_MS;
  }

  private startHeartbeat(): void {
    this.heartbeat ??= setInterval(() => {
      const now = new Date();
      utimes(this.own, now, now).catch(() => {}); // removed meanwhile: the next update writes it again
    }, this.heartbeatMs).unref(); // never what keeps the process alive
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

async function readLease(path: string): Promise<Lease | undefined> {
  try {
    const lease = JSON.parse(await readFile(path, 'utf8')) as Partial<Lease>;
    const valid = typeof lease.pid === 'number' && typeof lease.pidNamespace === 'string' && Array.isArray(lease.digests);
    return valid ? (lease as Lease) : undefined;
  } catch {
    return undefined;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}
