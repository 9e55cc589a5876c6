import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../format/digest.js';
import { dirEntries, removeStaleEntries } from '../fs/dir-entries.js';
import { type CacheLayout, VERSION_FOLDER } from './cache-layout.js';
import { removeDir } from './materializer.js';

/** Temp files older than this belong to a crashed process (a live download renames long before). */
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface EvictionReport {
  /** Blob bytes on disk before and after. */
  bytesBefore: number;
  bytesAfter: number;
  evictedBlobs: Digest[];
  /** Version folders removed because they linked an evicted blob. */
  removedVersions: string[];
}

interface CachedFile {
  digest: Digest;
  path: string;
  size: number;
  lastUsedMs: number;
}

/**
 * Least recently used first (the loader stamps a blob's mtime on every load), until the blobs fit
 * in `maxBytes`; pinned digests stay whatever their age. Each version folder that links an evicted
 * blob goes too: its hard link would otherwise keep the bytes on disk. Folders are renamed aside
 * before deletion, and an open file stays readable after its names are gone, so another process
 * that is reading a version keeps its bytes; one that has yet to open a file of an evicted
 * version fails to find it (the loader's recency stamps make that the oldest data on the host).
 */
export async function evictLeastRecentlyUsed(layout: CacheLayout, maxBytes: number, pinned: ReadonlySet<Digest>): Promise<EvictionReport> {
  await removeStaleEntries(layout.tmp, STALE_TEMP_MS);
  const blobs = await listBlobs(layout.blobsRoot);
  const bytesBefore = blobs.reduce((sum, blob) => sum + blob.size, 0);
  let bytes = bytesBefore;
  const victims: CachedFile[] = [];
  for (const blob of blobs.filter((candidate) => !pinned.has(candidate.digest)).sort((a, b) => a.lastUsedMs - b.lastUsedMs)) {
    if (bytes <= maxBytes) break;
    victims.push(blob);
    bytes -= blob.size;
  }
  const evicted = new Set(victims.map((victim) => victim.digest));
  const removedVersions: string[] = [];
  if (evicted.size > 0) {
    for (const version of await listVersions(layout)) {
      if (version.digests.some((digest) => evicted.has(digest))) {
        await removeDir(version.dir, layout.tmp);
        removedVersions.push(version.dir);
      }
    }
    await Promise.all(victims.map((victim) => rm(victim.path, { force: true })));
  }
  return { bytesBefore, bytesAfter: bytes, evictedBlobs: [...evicted], removedVersions };
}

async function listBlobs(root: string): Promise<CachedFile[]> {
  const files: CachedFile[] = [];
  for (const fanout of await dirEntries(root)) {
    for (const hex of await dirEntries(join(root, fanout))) {
      const path = join(root, fanout, hex);
      const info = await stat(path).catch(() => undefined); // evicted by another process meanwhile
      if (info) files.push({ digest: `sha256:${hex}`, path, size: info.size, lastUsedMs: info.mtimeMs });
    }
  }
  return files;
}

/** Every version folder of every registry (`<ns>/models/<store>/<product>/<type>/<version>`), with the digests its manifest names. */
async function listVersions(layout: CacheLayout): Promise<Array<{ dir: string; digests: Digest[] }>> {
  const versions: Array<{ dir: string; digests: Digest[] }> = [];
  for (const namespace of await dirEntries(layout.registriesRoot)) {
    versions.push(...(await listModelVersions(layout, join(layout.registriesRoot, namespace, 'models'))));
  }
  return versions;
}

async function listModelVersions(layout: CacheLayout, root: string): Promise<Array<{ dir: string; digests: Digest[] }>> {
  const versions: Array<{ dir: string; digests: Digest[] }> = [];
  for (const store of await dirEntries(root)) {
    for (const product of await dirEntries(join(root, store))) {
      for (const type of await dirEntries(join(root, store, product))) {
        for (const version of await dirEntries(join(root, store, product, type))) {
          if (!VERSION_FOLDER.test(version)) continue; // `aliases/`, `latest.json`
          const dir = join(root, store, product, type, version);
          versions.push({ dir, digests: await linkedDigests(layout, dir) });
        }
      }
    }
  }
  return versions;
}

/** The digests a version folder links: those of its manifest's artifacts, or of the ones its `artifacts.json` lists. */
async function linkedDigests(layout: CacheLayout, dir: string): Promise<Digest[]> {
  try {
    const manifest = JSON.parse(await readFile(layout.manifest(dir), 'utf8')) as { artifacts?: Array<{ name?: string; digest?: Digest }> };
    const names = await readFile(layout.selection(dir), 'utf8').then(
      (text) => new Set(JSON.parse(text) as string[]),
      () => undefined, // a folder of every artifact
    );
    return (manifest.artifacts ?? []).flatMap((artifact) => (artifact.digest && (!names || names.has(artifact.name ?? '')) ? [artifact.digest] : []));
  } catch {
    return []; // removed by another process meanwhile, or unreadable: the next load rebuilds it anyway
  }
}

/** Blob bytes in the cache folder now. */
export async function cachedBytes(layout: CacheLayout): Promise<number> {
  return (await listBlobs(layout.blobsRoot)).reduce((sum, blob) => sum + blob.size, 0);
}
