import { ConflictError, InvalidInputError } from '../errors.js';
import type { Digest } from '../format/digest.js';
import { type ModelName, formatName } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import { formatRef } from '../format/refs.js';
import type { Registry } from '../registry/registry.js';
import type { ProgressEvent, ScanCallOptions } from '../registry/types.js';
import { IMPORT_SOURCE_TAG, type ImportPlan, type PlannedAlias, type PlannedVersion, type UnmappedSource } from './plan.js';
import { type PlanImportOptions, artifactInputs, planImport } from './planner.js';
import { fileDigest } from './source-files.js';
import { mapBounded } from '../util/concurrency.js';

/** Model lines imported at once; each push moves its own artifacts in parallel as well. */
const LINE_CONCURRENCY = 4;

export interface ExecuteImportOptions extends ScanCallOptions {
  /** Plan only: read the legacy tree and the registry, write nothing. @default false */
  dryRun?: boolean;
  /** Push progress; each event's `artifact` is `<source folder>/<artifact name>`, unique across the import. */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

export interface ImportLegacyOptions extends PlanImportOptions, ExecuteImportOptions {}

export type VersionStatus = 'imported' | 'present' | 'new';

export interface ImportedVersion {
  source: string;
  /** `store/product/type@N`; in a dry run, the number the version would get if nothing else is pushed meanwhile. */
  ref: string;
  version: number;
  /** `imported` now, `present` from an earlier import with the same digests, `new` in a dry run. */
  status: VersionStatus;
  uploadedBytes: number;
}

export interface ImportReport {
  plan: ImportPlan;
  dryRun: boolean;
  versions: ImportedVersion[];
  /** Aliases set (or, in a dry run, to set), with the number of moves applied now. */
  aliases: Array<{ ref: string; alias: string; moves: number }>;
  /** Sources the plan could not map, and versions or aliases that failed while importing. */
  unmapped: UnmappedSource[];
}

/**
 * Imports a legacy model tree: plans it (see `planImport`), then pushes each planned version
 * through the registry's push, tagged with its source folder, and re-reads every uploaded blob to
 * verify it. A source already imported with the same file digests is recognized and skipped, so a
 * second run imports nothing new and an interrupted run finishes the rest. The source is only read.
 */
export async function importLegacy(registry: Registry, sourceFolder: string, options: ImportLegacyOptions = {}): Promise<ImportReport> {
  const { dryRun, signal, onProgress, onUnreadable, ...planOptions } = options;
  return executeImport(registry, await planImport(sourceFolder, planOptions), { dryRun, signal, onProgress, onUnreadable });
}

/** Carries out a plan made by `planImport` (see `importLegacy`). */
export async function executeImport(registry: Registry, plan: ImportPlan, options: ExecuteImportOptions = {}): Promise<ImportReport> {
  const { dryRun = false, signal } = options;
  const report: ImportReport = { plan, dryRun, versions: [], aliases: [], unmapped: [...plan.unmapped] };
  const byLine = new Map<string, PlannedVersion[]>();
  for (const planned of plan.versions) byLine.set(formatName(planned.line), [...(byLine.get(formatName(planned.line)) ?? []), planned]);
  const versionOf = new Map<string, number>();
  // Model lines in parallel; the versions of one line one after another, so their numbers follow the plan's order.
  await mapBounded([...byLine.values()], LINE_CONCURRENCY, signal, async (versions, lineSignal) => {
    const line = await readLine(registry, versions[0]!.line, { ...options, signal: lineSignal });
    for (const planned of versions) {
      try {
        const result = await importVersion(registry, planned, line, { ...options, signal: lineSignal });
        report.versions.push(result);
        versionOf.set(planned.source, result.version);
      } catch (error) {
        if (!(error instanceof ConflictError || error instanceof InvalidInputError || error instanceof VerificationFailed)) throw error;
        report.unmapped.push({ source: planned.source, reason: error.message });
      }
    }
  });
  const order = new Map(plan.versions.map((planned, index) => [planned.source, index]));
  report.versions.sort((a, b) => order.get(a.source)! - order.get(b.source)!);
  for (const alias of plan.aliases) {
    const applied = await importAlias(registry, alias, versionOf, dryRun, signal);
    if ('reason' in applied) report.unmapped.push(applied);
    else report.aliases.push(applied);
  }
  return report;
}

/** What a model line holds before the import: versions by the source they were imported from, and the next free number. */
interface LineState {
  bySource: Map<string, Manifest[]>;
  nextVersion: number;
}

async function readLine(registry: Registry, line: ModelName, options: ExecuteImportOptions): Promise<LineState> {
  const manifests = await registry.list(line, { signal: options.signal, onUnreadable: options.onUnreadable });
  const bySource = new Map<string, Manifest[]>();
  for (const manifest of manifests) {
    const source = manifest.tags[IMPORT_SOURCE_TAG];
    if (source !== undefined) bySource.set(source, [...(bySource.get(source) ?? []), manifest]);
  }
  return { bySource, nextVersion: Math.max(0, ...manifests.map((manifest) => manifest.version)) + 1 };
}

class VerificationFailed extends Error {}

async function importVersion(registry: Registry, planned: PlannedVersion, line: LineState, options: ExecuteImportOptions): Promise<ImportedVersion> {
  const { signal } = options;
  const earlier = line.bySource.get(planned.source) ?? [];
  if (earlier.length > 0) {
    // Digests only when an earlier import exists: a first import hashes each file once, in the push.
    const present = options.dryRun ? earlier.at(-1) : await sameContent(planned, earlier, signal);
    if (present) {
      // Reported like a push whose blobs were all stored already, so a progress bar counts them done.
      for (const artifact of planned.artifacts) {
        options.onProgress?.({ type: 'artifact-done', artifact: `${planned.source}/${artifact.name}`, size: artifact.size, transferredBytes: 0 });
      }
      return { source: planned.source, ref: formatRef(present), version: present.version, status: 'present', uploadedBytes: 0 };
    }
  }
  if (options.dryRun) {
    const version = planned.version ?? line.nextVersion++;
    return { source: planned.source, ref: formatRef({ ...planned.line, version }), version, status: 'new', uploadedBytes: 0 };
  }
  const onProgress = options.onProgress && ((event: ProgressEvent) => options.onProgress!({ ...event, artifact: `${planned.source}/${event.artifact}` }));
  const target = planned.version === undefined ? planned.line : { ...planned.line, version: planned.version };
  const pushed = await registry.push(target, artifactInputs(planned), planned.meta, { signal, onProgress });
  const check = await registry.verify(pushed.ref, { signal });
  if (!check.ok) {
    await registry.deleteVersion(pushed.ref, { force: true, signal });
    const problems = [...check.missing.map((blob) => `${blob.digest} missing`), ...check.corrupt.map((blob) => blob.problem)];
    throw new VerificationFailed(`${pushed.ref} failed verification after upload and was removed: ${problems.join('; ')}`);
  }
  line.nextVersion = Math.max(line.nextVersion, pushed.version + 1);
  return { source: planned.source, ref: pushed.ref, version: pushed.version, status: 'imported', uploadedBytes: pushed.uploadedBytes };
}

/** The earlier import of this source whose artifacts have exactly these names and digests, if any. */
async function sameContent(planned: PlannedVersion, earlier: Manifest[], signal: AbortSignal | undefined): Promise<Manifest | undefined> {
  const digests = new Map<string, Digest>();
  for (const artifact of planned.artifacts) digests.set(artifact.name, await fileDigest(artifact.path, signal));
  return earlier.find(
    (manifest) => manifest.artifacts.length === digests.size && manifest.artifacts.every((artifact) => digests.get(artifact.name) === artifact.digest),
  );
}

/** Replays the legacy promotions the alias's history lacks, oldest first, at their original times. */
async function importAlias(
  registry: Registry,
  planned: PlannedAlias,
  versionOf: Map<string, number>,
  dryRun: boolean,
  signal: AbortSignal | undefined,
): Promise<{ ref: string; alias: string; moves: number } | UnmappedSource> {
  const target = planned.moves.at(-1)!;
  const moves = planned.moves.filter((move) => versionOf.has(move.source));
  if (!versionOf.has(target.source)) return { source: target.source, reason: `alias ${planned.alias} not set: the version it points at was not imported` };
  const current = (await registry.aliases(planned.line, { signal })).find((alias) => alias.alias === planned.alias);
  let applied = 0;
  let pointsAt = current?.version;
  for (const move of moves) {
    const version = versionOf.get(move.source)!;
    const recorded = move.at === undefined ? pointsAt === version : current?.history.some((event) => event.version === version && event.at === move.at);
    if (recorded) continue;
    if (!dryRun) await registry.setAlias({ ...planned.line, version }, planned.alias, { reason: move.reason, ...(move.at ? { at: move.at } : {}), signal });
    pointsAt = version;
    applied++;
  }
  return { ref: formatRef({ ...planned.line, version: versionOf.get(target.source)! }), alias: planned.alias, moves: applied };
}
