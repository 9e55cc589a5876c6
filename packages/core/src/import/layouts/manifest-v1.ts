import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import { ARTIFACT_KINDS, type ArtifactKind } from '../../format/manifest.js';
import { interpretMetadata } from '../legacy-metadata.js';
import type { PlannedArtifact, PlannedMeta } from '../plan.js';
import type { PartialLine } from '../legacy-metadata.js';
import { artifactNameFor, inferKind } from '../source-files.js';
import { artifactNameClash } from '../../selection/folder-names.js';
import { type LayoutScan, type LegacyLayout, isDirectory, isFile, visibleEntries } from './layout.js';

const MANIFEST_FILES = ['manifest.yaml', 'manifest.yml', 'manifest.json'];
/** How deep below the import root run folders are looked for (`<root>/<dataset>/<run>/manifest.yaml`). */
const MAX_RUN_DEPTH = 3;

const id = z.union([z.string().min(1), z.number().transform(String)]);
const artifactEntrySchema = z.looseObject({
  id: id.optional(), artifact_id: id.optional(), name: z.string().min(1).optional(),
  type: z.string().optional(), artifact_type: z.string().optional(),
  path: z.string().min(1).optional(), file: z.string().min(1).optional(),
  hash: z.string().min(1).optional(), content_hash: z.string().min(1).optional(),
  fold: z.number().int().nonnegative().nullable().optional(), fold_id: z.number().int().nonnegative().nullable().optional(),
  depends_on: z.array(id).optional(), dependencies: z.array(id).optional(),
});
const manifestV1Schema = z.looseObject({
  schema_version: z.unknown().optional(),
  artifacts: z.union([z.array(artifactEntrySchema), z.looseObject({ schema_version: z.unknown().optional(), items: z.array(artifactEntrySchema) })]),
});
type ArtifactEntry = z.output<typeof artifactEntrySchema>;

/**
 * Run folders holding a v1 manifest (YAML or JSON, without `schema_version: 2`) that lists artifacts
 * with a type, a fold and dependencies; binaries sit in the run's `_binaries/` folder or in a
 * content-addressed `artifacts/objects/<hash>` store above the runs. Each run becomes one version.
 */
export const manifestV1Layout: LegacyLayout = {
  name: 'manifest-v1',
  async detect(root) {
    return (await findRuns(root, 0)).length > 0;
  },
  async scan(root): Promise<LayoutScan> {
    const scan: LayoutScan = { models: [], aliases: [], unmapped: [] };
    for (const { dir, file } of await findRuns(root, 0)) {
      const source = relative(root, dir).split(sep).join('/') || '.';
      const run = await readRun(root, dir, file);
      if ('problem' in run) {
        scan.unmapped.push({ source, reason: run.problem });
        continue;
      }
      const runName = basename(dir);
      scan.models.push({
        source,
        idSource: runName,
        ids: run.ids,
        fallbackIds: { product: run.dataset, type: run.pipeline },
        artifacts: run.artifacts,
        meta: { ...run.meta, tags: { ...run.meta.tags, 'legacy.run': runName } },
      });
    }
    return scan;
  },
};

async function manifestFileIn(dir: string): Promise<string | undefined> {
  for (const file of MANIFEST_FILES) if (await isFile(join(dir, file))) return file;
  return undefined;
}

/** Folders (the root included) with a manifest file, without descending into runs or binary stores. */
async function findRuns(dir: string, depth: number): Promise<Array<{ dir: string; file: string }>> {
  const file = await manifestFileIn(dir);
  if (file) return [{ dir, file }];
  if (depth >= MAX_RUN_DEPTH) return [];
  const runs: Array<{ dir: string; file: string }> = [];
  for (const name of await visibleEntries(dir)) {
    if (name === 'artifacts' || name === '_binaries') continue;
    if (await isDirectory(join(dir, name))) runs.push(...(await findRuns(join(dir, name), depth + 1)));
  }
  return runs;
}

interface LegacyRun {
  artifacts: PlannedArtifact[];
  ids: PartialLine;
  meta: PlannedMeta;
  dataset: string | undefined;
  pipeline: string | undefined;
}

async function readRun(root: string, dir: string, file: string): Promise<LegacyRun | { problem: string }> {
  let data: unknown;
  try {
    const text = await readFile(join(dir, file), 'utf8');
    // Loaded here, not at import time: processes that only load models never need a YAML parser.
    data = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (error) {
    return { problem: `${file} cannot be parsed (${(error as Error).message.split('\n')[0]})` };
  }
  const parsed = manifestV1Schema.safeParse(data);
  if (!parsed.success) return { problem: `${file} is not a v1 manifest: it needs an artifacts list` };
  const section = parsed.data.artifacts;
  const schemaVersion = parsed.data.schema_version ?? (Array.isArray(section) ? undefined : section.schema_version);
  if (String(schemaVersion ?? '1').startsWith('2')) return { problem: `${file} is a schema_version 2 manifest, not v1: its system reads it already` };
  const entries = Array.isArray(section) ? section : section.items;
  if (entries.length === 0) return { problem: `${file} lists no artifacts` };
  const artifacts = await resolveArtifacts(root, dir, entries);
  if ('problem' in artifacts) return artifacts;
  const fields = data as Record<string, unknown>;
  const metadata = interpretMetadata(fields)!;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return { artifacts, ids: metadata.ids, meta: metadata.meta, dataset: text(fields.dataset), pipeline: text(fields.pipeline) ?? text(fields.pipeline_name) ?? text(fields.name) };
}

/** Each listed artifact with its binary found, its kind, fold and dependencies mapped onto artifact names. */
async function resolveArtifacts(root: string, runDir: string, entries: ArtifactEntry[]): Promise<PlannedArtifact[] | { problem: string }> {
  const found: Array<{ entry: ArtifactEntry; key: string; path: string; size: number; fileName: string }> = [];
  for (const [index, entry] of entries.entries()) {
    const key = entry.id ?? entry.artifact_id ?? entry.name ?? `#${index + 1}`;
    const binary = await findBinary(root, runDir, entry);
    if ('problem' in binary) return { problem: `artifact ${key}: ${binary.problem}` };
    found.push({ entry, key, ...binary });
  }
  let names = found.map(({ fileName }) => artifactNameFor(fileName));
  // Fold models often share a file name: the artifact id tells them apart.
  if (artifactNameClash(names)) names = found.map(({ key, fileName }) => `${artifactNameFor(key)}/${artifactNameFor(fileName)}`);
  const clash = artifactNameClash(names);
  if (clash) return { problem: `its artifacts do not map to distinct names: ${clash}` };
  const nameOf = new Map(found.map(({ key }, index) => [key, names[index]!]));
  const artifacts: PlannedArtifact[] = [];
  for (const [index, { entry, key, path, size, fileName }] of found.entries()) {
    const declared = entry.type ?? entry.artifact_type;
    if (declared !== undefined && !(ARTIFACT_KINDS as readonly string[]).includes(declared)) return { problem: `artifact ${key} has the unknown type "${declared}"` };
    const dependsOn: string[] = [];
    for (const needed of entry.depends_on ?? entry.dependencies ?? []) {
      const name = nameOf.get(needed);
      if (name === undefined) return { problem: `artifact ${key} depends on ${needed}, which the manifest does not list` };
      dependsOn.push(name);
    }
    const fold = entry.fold ?? entry.fold_id;
    artifacts.push({ name: names[index]!, path, size, kind: (declared as ArtifactKind | undefined) ?? inferKind(fileName), dependsOn, ...(fold == null ? {} : { fold }) });
  }
  return artifacts;
}

/** A binary by its path (in the run folder, usually `_binaries/`) or by its hash in an `artifacts/objects` store at or above the run. */
async function findBinary(root: string, runDir: string, entry: ArtifactEntry): Promise<{ path: string; size: number; fileName: string } | { problem: string }> {
  const path = entry.path ?? entry.file;
  if (path !== undefined) {
    for (const candidate of [join(runDir, path), join(runDir, '_binaries', path)]) {
      if (isInside(root, candidate) && (await isFile(candidate))) return fileAt(candidate, basename(path));
    }
    if (entry.hash === undefined && entry.content_hash === undefined) return { problem: `its binary ${path} is missing` };
  }
  const hash = entry.hash ?? entry.content_hash;
  if (hash === undefined) return { problem: 'it names neither a path nor a hash' };
  const bareHash = hash.replace(/^sha256:/, '');
  for (let dir = runDir; isInside(root, dir); dir = dirname(dir)) {
    const objects = join(dir, 'artifacts', 'objects');
    for (const folder of [objects, join(objects, bareHash.slice(0, 2))]) {
      const match = (await readdir(folder).catch(() => [] as string[])).find((name) => name === bareHash || name.startsWith(`${bareHash}.`));
      if (match) return fileAt(join(folder, match), entry.name ?? (path === undefined ? match : basename(path)));
    }
    if (dir === root) break;
  }
  return { problem: `no binary for hash ${hash} in an artifacts/objects store` };
}

async function fileAt(path: string, fileName: string): Promise<{ path: string; size: number; fileName: string }> {
  return { path, size: (await stat(path)).size, fileName };
}

function isInside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest === '' || (!rest.startsWith('..') && !rest.startsWith(sep));
}
