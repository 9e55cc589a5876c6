import { copyFile, link, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/blob-store.js';
import type { RangedDownloadSettings } from '../blobs/ranged-download.js';
import { IntegrityError, InvalidInputError } from '../errors.js';
import { encodeId } from '../format/ids.js';
import type { Artifact, Manifest } from '../format/manifest.js';
import type { ModelName } from '../format/keys.js';
import { type RefInput, formatRef } from '../format/refs.js';
import { type ArtifactSelection, findArtifact, groupByFold, selectArtifacts, selectFoldArtifacts } from '../selection/artifact-selection.js';
import { type ClosurePart, dependencyClosure } from '../selection/dependency-closure.js';
import { mapBounded } from '../util/concurrency.js';
import { reportBytes } from './progress.js';
import { artifactNameClash, assertNamesFitAFolder } from '../selection/folder-names.js';
import { type VersionReader, resolvedVersion } from './version-reader.js';
import type { CallOptions, FoldSet, PullOptions, PullResult, StackPull, TransferOptions } from './types.js';

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
 * Downloads the selected artifacts (every one by default) into `dir`, each verified against its
 * digest. All or nothing: see `pullFiles`.
 */
export async function pullVersion(puller: Puller, target: PullTarget, dir: string, options: PullOptions): Promise<PullResult> {
  const manifest = await manifestOf(puller.reader, target, options);
  return pullArtifacts(puller, manifest, selectArtifacts(manifest, options), dir, options);
}

type FileTransferOptions = TransferOptions & Pick<PullOptions, 'durable'>;

async function pullArtifacts(puller: Puller, manifest: Manifest, artifacts: readonly Artifact[], dir: string, options: FileTransferOptions): Promise<PullResult> {
  const resolved = resolvedVersion(manifest, manifest.version);
  assertNamesFitAFolder(resolved.ref, artifacts, 'pulled');
  await pullFiles(puller, artifacts.map((artifact) => plannedFile(resolved.ref, artifact, '')), dir, options);
  return { ...resolved, manifest, files: localPaths(dir, artifacts) };
}

/** One file of a pull: an artifact and where it goes, as a `/`-separated path inside the pull's folder. */
interface PlannedFile {
  artifact: Artifact;
  path: string;
  /** For messages: `<ref> artifact "<name>"`. */
  label: string;
}

function plannedFile(ref: string, artifact: Artifact, folder: string): PlannedFile {
  return { artifact, path: `${folder}${artifact.name}`, label: `${ref} artifact "${artifact.name}"` };
}

function localPaths(dir: string, artifacts: readonly Artifact[]): Record<string, string> {
  return Object.fromEntries(artifacts.map((artifact) => [artifact.name, join(dir, ...artifact.name.split('/'))]));
}

/**
 * Downloads every planned file, verified, into a staging folder inside `dir`, and moves them into
 * place only once every one is: on any failure `dir` (created if missing) holds what it held before.
 */
async function pullFiles(puller: Puller, files: readonly PlannedFile[], dir: string, options: FileTransferOptions): Promise<void> {
  await mkdir(dir, { recursive: true });
  const staging = await mkdtemp(join(dir, '.modelreg-pull-'));
  try {
    await mapBounded(files, puller.settings.concurrency, options.signal, async ({ artifact, path: name, label }, signal) => {
      const { size } = artifact;
      const path = join(staging, 'new', ...name.split('/'));
      await mkdir(dirname(path), { recursive: true });
      options.onProgress?.({ type: 'artifact-start', artifact: name, size });
      const onBytes = reportBytes(options.onProgress, name, size);
      await puller.blobs.downloadToNewFile(artifact, label, path, { ...puller.settings, signal, onBytes, durable: options.durable ?? false });
      options.onProgress?.({ type: 'artifact-done', artifact: name, size, transferredBytes: size });
    });
    await moveIntoPlace(staging, dir, files);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Errors of a rename whose target is blocked by a folder, or by a file where a folder must go. */
const IN_THE_WAY = new Set(['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST']);

/**
 * Renames each verified file from `staging/new` onto its place in `dir`. A file it replaces is kept
 * as a hard link (or copy) in `staging/old` until every rename has succeeded, so a failure midway
 * puts back exactly what was there.
 */
async function moveIntoPlace(staging: string, dir: string, files: readonly PlannedFile[]): Promise<void> {
  const undo: Array<() => Promise<void>> = [];
  let current: PlannedFile | undefined;
  try {
    for (const file of files) {
      current = file;
      const segments = file.path.split('/');
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
    const target = join(dir, ...current!.path.split('/'));
    throw new InvalidInputError(
      `Cannot put ${current!.label} at ${target}: something in the folder is in the way (${code}). Nothing was pulled; pull into an empty folder or move it aside.`,
      { key: target, cause: error },
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

/** Pulls the per-fold artifacts (of the selection, if any), grouped and sorted by fold number. */
export async function pullFolds(puller: Puller, target: PullTarget, dir: string, options: PullOptions): Promise<FoldSet[]> {
  const manifest = await manifestOf(puller.reader, target, options);
  const folded = selectFoldArtifacts(manifest, options);
  const pulled = await pullArtifacts(puller, manifest, folded, dir, options);
  return groupByFold(folded, pulled.files);
}

/** The selected artifacts of a version (every one by default) with everything they depend on, dependencies first. */
export async function closureOf(puller: Puller, target: PullTarget, options: CallOptions & ArtifactSelection): Promise<ClosurePart[]> {
  const manifest = await manifestOf(puller.reader, target, options);
  const selected = selectArtifacts(manifest, options);
  return dependencyClosure(manifest, selected, (version, signal) => puller.reader.readManifest(version, version.version, { signal }), options.signal);
}

/**
 * Pulls the selected artifacts of a version (a stacking meta-model, say) with everything they
 * depend on, transitively (see `dependencyClosure`): the version's files into `dir`, each
 * dependency version's into `dir/sources/<store>/<product>/<type>/<version>`. All or nothing
 * across the whole closure. `target` may be a closure already computed with `closureOf`.
 */
export async function pullStack(puller: Puller, target: PullTarget | ClosurePart[], dir: string, options: PullOptions): Promise<StackPull> {
  const parts = Array.isArray(target) ? target : await closureOf(puller, target, options);
  const placed = parts.map((part, index) => ({ part, folder: index === parts.length - 1 ? '' : `${sourcesFolder(part.manifest)}/` }));
  const root = parts.at(-1)!; // the version asked for comes after its dependencies
  const files = placed.flatMap(({ part, folder }) => part.artifacts.map((artifact) => plannedFile(part.ref, artifact, folder)));
  const clash = artifactNameClash(files.map((file) => file.path));
  if (clash) {
    throw new IntegrityError(`${root.ref} and its dependencies cannot be pulled into one folder: ${clash} Pull the versions one at a time.`, { key: root.ref });
  }
  await pullFiles(puller, files, dir, options);
  const result = ({ part, folder }: (typeof placed)[number]): PullResult => ({
    ...resolvedVersion(part.manifest, part.manifest.version),
    manifest: part.manifest,
    files: localPaths(join(dir, ...folder.split('/')), part.artifacts),
  });
  return {
    meta: result(placed.at(-1)!),
    sources: placed.slice(0, -1).map((entry) => ({ role: entry.part.dependency!.role, via: entry.part.dependency!.via, pulled: result(entry) })),
  };
}

function sourcesFolder(name: ModelName & { version: number }): string {
  return ['sources', encodeId(name.store, 'store'), encodeId(name.product, 'product'), encodeId(name.type, 'type'), String(name.version)].join('/');
}
