import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HashingStream } from '../blobs/hashing-streams.js';
import type { Digest } from '../format/digest.js';
import type { ArtifactKind } from '../format/manifest.js';
import { artifactNameClash } from '../selection/folder-names.js';
import { READ_CHUNK_BYTES } from '../util/streams.js';
import type { PlannedArtifact } from './plan.js';

/** A file under a legacy model folder. */
export interface SourceFile {
  /** Path inside the folder, "/"-separated. */
  relativePath: string;
  path: string;
  size: number;
}

/**
 * Every regular file under `dir` (symlinks to files followed, symlinks to folders not, so a link
 * cannot loop), sorted by path, except those `skip` rejects.
 */
export async function filesUnder(dir: string, skip: (relativePath: string) => boolean = () => false, prefix = ''): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const relativePath = `${prefix}${name}`;
    if (skip(relativePath)) continue;
    const own = await lstat(path);
    if (own.isDirectory()) {
      files.push(...(await filesUnder(path, skip, `${relativePath}/`)));
      continue;
    }
    const target = own.isSymbolicLink() ? await stat(path).catch(() => undefined) : own;
    if (target?.isFile()) files.push({ relativePath, path, size: target.size });
  }
  return files;
}

const KIND_BY_NAME: Array<[RegExp, ArtifactKind]> = [
  [/encoder|encoding|label_?map|one_?hot|tokenizer|vocab/, 'encoder'],
  [/splitter|splits?\b|split_|_split/, 'splitter'],
  [/scaler|transformer|transform|preprocess|imputer|vectorizer|normalizer|pca|selector/, 'transformer'],
  [/\.(csv|tsv|txt|md|log|png|jpe?g|svg|html)$/, 'other'],
];

/**
 * The kind of a legacy file that has none recorded: encoders, splitters and transformers by their
 * names (`label_encoder.pkl`, `data_splits.json`, `scaler.joblib`), reports and tables (`.csv`,
 * `.png`, ...) as `other`, everything else a model.
 */
export function inferKind(relativePath: string): ArtifactKind {
  const name = relativePath.toLowerCase().split('/').pop()!;
  return KIND_BY_NAME.find(([pattern]) => pattern.test(name))?.[1] ?? 'model';
}

/** An artifact name for a legacy path: characters modelreg names cannot hold become "_". */
export function artifactNameFor(relativePath: string): string {
  return relativePath
    .split('/')
    .map((segment) => (segment === '.' || segment === '..' ? '_' : segment.replace(/[^A-Za-z0-9._-]/g, '_')))
    .join('/');
}

/** Artifacts for the files of a legacy folder with inferred kinds, or why their names cannot coexist. */
export function artifactsFromFiles(files: SourceFile[]): PlannedArtifact[] | { problem: string } {
  const artifacts = files.map((file) => ({ name: artifactNameFor(file.relativePath), path: file.path, size: file.size, kind: inferKind(file.relativePath), dependsOn: [] }));
  const clash = artifactNameClash(artifacts.map((artifact) => artifact.name));
  return clash ? { problem: `its file names do not map to distinct artifact names: ${clash}` } : artifacts;
}

/** The sha256 of a file, streamed. */
export async function fileDigest(path: string, signal?: AbortSignal): Promise<Digest> {
  const hashing = new HashingStream();
  await pipeline(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), hashing, async (chunks: AsyncIterable<Buffer>) => {
    for await (const _ of chunks); // only the hash is wanted
  }, { signal });
  return hashing.digest;
}
