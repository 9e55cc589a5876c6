import { copyFile, link, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/blob-store.js';
import type { RangedDownloadSettings } from '../blobs/ranged-download.js';
import { IntegrityError, InvalidInputError, NotFoundError } from '../errors.js';
import { encodeId } from '../format/ids.js';
import type { Artifact, Manifest } from '../format/manifest.js';
import { type RefInput, formatRef, parsePinnedRef } from '../format/refs.js';
import { mapBounded } from '../util/concurrency.js';
import { reportBytes } from './progress.js';
import { artifactNameClash } from './push-input.js';
import { type VersionReader, resolvedVersion } from './version-reader.js';
import type { CallOptions, FoldSet, PullOptions, PullResult, StackPull } from './types.js';

export interface Puller {
  reader: VersionReader;
  blobs: BlobStore;
  settings: RangedDownloadSettings & { concurrency: number };
}

/** A version to pull: a reference, or a manifest already read (nothing is resolved or read again). */
export type PullTarget = RefInput | Manifest;

function isManifest(target: PullTarget): target is Manifest {
  return typeof target === 'object' && 'schemaVersion' in target && 'artifacts' in target;
}

async function manifestOf(reader: VersionReader, target: PullTarget, options: CallOptions): Promise<Manifest> {
  if (isManifest(target)) return target;
  const resolved = await reader.resolve(target, options);
  return reader.readManifest(resolved, resolved.version, options);
}

/**
 * Downloads every artifact (or the named ones) into `dir`, each verified against its digest. All or
 * nothing: the files land in a staging folder inside `dir` and move into place only once every one
 * is verified; on any failure `dir` (created if missing) holds what it held before.
 */
export async function pullVersion(puller: Puller, target: PullTarget, dir: string, options: PullOptions): Promise<PullResult> {
  const manifest = await manifestOf(puller.reader, target, options);
  const resolved = resolvedVersion(manifest, manifest.version);
  const wanted = options.artifacts === undefined ? manifest.artifacts : selectArtifacts(manifest, options.artifacts);
  assertNamesFitAFolder(resolved.ref, wanted, 'pulled');
  await mkdir(dir, { recursive: true });
  const staging = await mkdtemp(join(dir, '.modelreg-pull-'));
  try {
    await mapBounded(wanted, puller.settings.concurrency, options.signal, async (artifact, signal) => {
      const { name, size } = artifact;
      const path = join(staging, 'new', ...name.split('/'));
      await mkdir(dirname(path), { recursive: true });
      options.onProgress?.({ type: 'artifact-start', artifact: name, size });
      const onBytes = reportBytes(options.onProgress, name, size);
      await puller.blobs.downloadToNewFile(artifact, `${resolved.ref} artifact "${name}"`, path, { ...puller.settings, signal, onBytes, durable: options.durable ?? false });
      options.onProgress?.({ type: 'artifact-done', artifact: name, size, transferredBytes: size });
    });
    await moveIntoPlace(staging, dir, wanted.map((artifact) => artifact.name), resolved.ref);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const files = Object.fromEntries(wanted.map((artifact) => [artifact.name, join(dir, ...artifact.name.split('/'))]));
  return { ...resolved, manifest, files };
}

/** Errors of a rename whose target is blocked by a folder, or by a file where a folder must go. */
const IN_THE_WAY = new Set(['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST']);

/**
 * Renames each verified file from `staging/new` onto its place in `dir`. A file it replaces is kept
 * as a hard link (or copy) in `staging/old` until every rename has succeeded, so a failure midway
 * puts back exactly what was there.
 */
async function moveIntoPlace(staging: string, dir: string, names: readonly string[], ref: string): Promise<void> {
  const undo: Array<() => Promise<void>> = [];
  let current = '';
  try {
    for (const name of names) {
      current = name;
      const segments = name.split('/');
      const [from, to, old] = [join(staging, 'new', ...segments), join(dir, ...segments), join(staging, 'old', ...segments)];
      const createdFolder = await mkdir(dirname(to), { recursive: true });
      if (createdFolder !== undefined) undo.push(() => rm(createdFolder, { recursive: true, force: true }));
      await mkdir(dirname(old), { recursive: true });
      const replaced = await keepCopy(to, old);
      await rename(from, to);
      undo.push(replaced ? () => rename(old, to) : () => rm(to, { force: true }));
    }
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => {}); // best effort: the first failure is the one to report
    const code = (error as NodeJS.ErrnoException).code;
    if (!IN_THE_WAY.has(code ?? '')) throw error;
    throw new InvalidInputError(
      `Cannot put ${ref} artifact "${current}" at ${join(dir, ...current.split('/'))}: something in the folder is in the way (${code}). Nothing was pulled; pull into an empty folder or move it aside.`,
      { key: ref, cause: error },
    );
  }
}

/** Keeps the file at `path` at `copy` (a hard link where the filesystem has them); false when there is none. */
async function keepCopy(path: string, copy: string): Promise<boolean> {
  try {
    await link(path, copy);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    // No hard links here, or `path` is no file: a copy, which fails the same way when something is in the way.
    await copyFile(path, copy);
    return true;
  }
}

/** Streams one artifact; the stream fails with `IntegrityError` if the bytes do not match the manifest. */
export async function openArtifact(puller: Puller, target: PullTarget, artifactName: string, options: CallOptions): Promise<Readable> {
  const manifest = await manifestOf(puller.reader, target, options);
  const artifact = findArtifact(manifest, artifactName);
  return puller.blobs.open(artifact, `${formatRef(manifest)} artifact "${artifact.name}"`, options);
}

/** Pulls the artifacts of every fold, grouped and sorted by fold number. */
export async function pullFolds(puller: Puller, target: PullTarget, dir: string, options: Omit<PullOptions, 'artifacts'>): Promise<FoldSet[]> {
  const manifest = await manifestOf(puller.reader, target, options);
  const folded = manifest.artifacts.filter((artifact) => artifact.fold !== undefined);
  if (folded.length === 0) throw new NotFoundError(`${formatRef(manifest)} has no per-fold artifacts.`);
  const pulled = await pullVersion(puller, manifest, dir, { ...options, artifacts: folded.map((artifact) => artifact.name) });
  const folds = [...new Set(folded.map((artifact) => artifact.fold!))].sort((a, b) => a - b);
  return folds.map((fold) => {
    const artifacts = folded.filter((artifact) => artifact.fold === fold);
    return { fold, artifacts, files: Object.fromEntries(artifacts.map((artifact) => [artifact.name, pulled.files[artifact.name]!])) };
  });
}

/**
 * Pulls a stacking meta-model and, after it, each source model version it depends on, in the
 * declared order, into `dir/sources/<store>/<product>/<type>/<version>`.
 */
export async function pullStack(puller: Puller, target: PullTarget, dir: string, options: Omit<PullOptions, 'artifacts'>): Promise<StackPull> {
  const meta = await pullVersion(puller, target, dir, options);
  const sources: StackPull['sources'] = [];
  for (const dependency of meta.manifest.dependencies) {
    const source = parsePinnedRef(dependency.ref);
    const sourceDir = join(dir, 'sources', encodeId(source.store, 'store'), encodeId(source.product, 'product'), encodeId(source.type, 'type'), String(source.version));
    sources.push({ role: dependency.role, pulled: await pullVersion(puller, source, sourceDir, options) });
  }
  return { meta, sources };
}

/** The named artifacts, in manifest order; fails on a name the version does not have. */
function selectArtifacts(manifest: Manifest, names: readonly string[]): Artifact[] {
  const selected = new Set(names.map((name) => findArtifact(manifest, name)));
  return manifest.artifacts.filter((artifact) => selected.has(artifact));
}

/**
 * Fails before anything is written when artifact names would clash as files in one folder (a
 * version pushed before such names were refused). Stored data the registry can no longer honour,
 * not a bad argument: an integrity problem of the version.
 */
export function assertNamesFitAFolder(ref: string, artifacts: readonly Artifact[], verb: 'pulled' | 'loaded'): void {
  const clash = artifactNameClash(artifacts.map((artifact) => artifact.name));
  if (clash) {
    throw new IntegrityError(
      `${ref} cannot be ${verb} into a folder: ${clash} It was pushed before modelreg refused such names; pull its artifacts one at a time, or push the version again with distinct names.`,
      { key: ref },
    );
  }
}

export function findArtifact(manifest: Manifest, artifactName: string): Artifact {
  const artifact = manifest.artifacts.find((candidate) => candidate.name === artifactName);
  if (!artifact) {
    throw new NotFoundError(
      `${formatRef(manifest)} has no artifact "${artifactName}"; it has: ${manifest.artifacts.map((a) => a.name).join(', ')}.`,
    );
  }
  return artifact;
}
