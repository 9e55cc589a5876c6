import { chmod, link, mkdir, rename, rm, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor } from '../fs/atomic-file.js';
import type { RegistryReadApi } from '../registry/types.js';
import { type Digest, digestHex } from '../format/digest.js';
import type { CacheLayout } from './cache-layout.js';
import type { FileVerifier } from './file-verifier.js';
import { DownloadClaims } from './download-claims.js';
import { InFlight } from './in-flight.js';
import { NO_LINK } from './materializer.js';
import type { LoaderCounters } from './loader-stats.js';
import type { ResolvedLoaderOptions } from './options.js';

export interface CachedBlob {
  path: string;
  /** Bytes this call downloaded: 0 when the cached file was used. */
  downloadedBytes: number;
}

type Blob = { digest: Digest; size: number };

/**
 * The content-addressed disk cache: one verified, read-only file per digest. A file appears under
 * its digest only whole and verified (downloaded to `tmp/`, then published), so processes sharing
 * the folder never see a partial file; a cached file that fails its check is dropped and fetched again.
 */
export class BlobCache {
  private readonly inFlight = new InFlight<Digest, CachedBlob>();
  private readonly claims: DownloadClaims;

  constructor(
    private readonly registry: Pick<RegistryReadApi, 'downloadBlob'>,
    private readonly layout: CacheLayout,
    private readonly verifier: FileVerifier,
    private readonly options: ResolvedLoaderOptions,
    private readonly counters: LoaderCounters,
  ) {
    this.claims = new DownloadClaims(layout.tmp);
  }

  /** A verified local copy of the blob. Concurrent calls for one digest share one check and one download. */
  ensure(blob: Blob, label: string, signal?: AbortSignal): Promise<CachedBlob> {
    return this.inFlight.run(blob.digest, () => this.checkOrFetch(blob, label, signal));
  }

  private async checkOrFetch(blob: Blob, label: string, signal: AbortSignal | undefined): Promise<CachedBlob> {
    const path = this.layout.blob(blob.digest);
    if ((await this.verifier.check(path, blob, label, signal)) === 'ok') return this.hit(path);
    // A small blob downloads faster than a waiter would notice a released claim, so a process that
    // misses it at the same moment as another simply downloads it too; the first publish wins.
    if (blob.size < this.options.claimThresholdBytes) return this.fetchMissing(blob, label, path, signal);
    // A big one is downloaded under a claim, so a process that missed it at the same moment waits for this download instead of repeating it.
    return this.claims.withClaim(digestHex(blob.digest), () => this.fetchMissing(blob, label, path, signal), signal);
  }

  /** Downloads the blob unless it was published meanwhile (by a claim's previous holder), dropping a corrupt cached copy first. */
  private async fetchMissing(blob: Blob, label: string, path: string, signal: AbortSignal | undefined): Promise<CachedBlob> {
    const state = await this.verifier.check(path, blob, label, signal);
    if (state === 'ok') return this.hit(path);
    if (state === 'corrupt') {
      this.options.onWarning(`${label}: the cached file ${path} does not match ${blob.digest}; dropping it and downloading it again.`);
      await this.drop(path);
    }
    await this.fetch(blob, label, path, signal);
    this.counters.misses++;
    this.counters.bytesDownloaded += blob.size;
    return { path, downloadedBytes: blob.size };
  }

  private hit(path: string): CachedBlob {
    this.counters.hits++;
    return { path, downloadedBytes: 0 };
  }

  private async fetch(blob: Blob, label: string, path: string, signal: AbortSignal | undefined): Promise<void> {
    await mkdir(this.layout.tmp, { recursive: true });
    const temp = tempPathFor(path, this.layout.tmp);
    try {
      await this.registry.downloadBlob(blob, label, temp, { ...this.options, signal });
      // Read-only: a file handed out is a hard link to the blob, and a write through it would corrupt every version sharing it.
      await chmod(temp, 0o444);
      await mkdir(dirname(path), { recursive: true });
      await publish(temp, path);
      this.verifier.trust(path);
    } finally {
      await rm(temp, { force: true });
    }
  }

  async drop(path: string): Promise<void> {
    this.verifier.forget(path);
    await rm(path, { force: true });
  }
}

/**
 * Moves a verified temp file to `target` unless another process published it first: a link fails
 * when the name exists, so the first copy wins and files already linked from versions stay current.
 * Where hard links are unsupported, a rename replaces the (equal) bytes instead.
 */
async function publish(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
    await unlink(temp);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (NO_LINK.has(code ?? '')) await rename(temp, target);
    else throw error;
  }
}
