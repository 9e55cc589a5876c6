import { InvalidManifestError } from '../errors.js';
import type { ModelName } from '../format/keys.js';
import { type Manifest, decodeManifest } from '../format/manifest.js';
import { formatRef, parseRef } from '../format/refs.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';
import type { PurgeScope } from '../registry/deletion.js';
import { readDocument } from '../store/read-document.js';
import type { RegistryParts } from '../registry/parts.js';
import { mapBounded } from '../util/concurrency.js';
import type { CopyConflict } from './copy-types.js';

/** A source version the destination lacks: its manifest's exact bytes, and the manifest they hold. */
export interface PendingVersion {
  name: ModelName;
  version: number;
  ref: string;
  bytes: Buffer;
  manifest: Manifest;
}

export interface CopyPlan {
  /** The model lines in scope at the source (their aliases are copied). */
  lines: ModelName[];
  /** In scope, plus the versions they depend on from outside it, that the destination lacks. */
  pending: PendingVersion[];
  unchanged: string[];
  conflicts: CopyConflict[];
  skipped: UnreadableEntry[];
}

/**
 * Compares the versions in scope at the source with the destination, reading only: every source
 * manifest is read (one GET), a destination manifest only where its version number exists there
 * (one listing per line tells). Versions that pending ones depend on are added from outside the
 * scope, so nothing copied refers to a version the destination lacks.
 */
export async function planCopy(
  source: RegistryParts,
  destination: RegistryParts,
  scope: PurgeScope | undefined,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<CopyPlan> {
  const plan: CopyPlan = { lines: [], pending: [], unchanged: [], conflicts: [], skipped: [] };
  const seen = new Set<string>();

  const planVersion = async (name: ModelName, version: number, atDestination: boolean | undefined, versionSignal: AbortSignal, neededBy?: string) => {
    const ref = formatRef({ ...name, version });
    if (seen.has(ref)) return;
    seen.add(ref);
    const key = source.keys.manifestKey(name, version);
    const document = await readDocument(source.store, key, versionSignal);
    if (!document) {
      // Deleted since it was listed, unless a version to copy depends on it.
      if (neededBy !== undefined) plan.skipped.push({ key, problem: `${ref} does not exist at the source, yet ${neededBy} depends on it` });
      return;
    }
    let manifest: Manifest;
    try {
      manifest = decodeManifest(document.bytes, key, { ...name, version });
    } catch (error) {
      if (!(error instanceof InvalidManifestError)) throw error;
      plan.skipped.push({ key, problem: error.message });
      return;
    }
    if (atDestination !== false) {
      const there = await readDocument(destination.store, destination.keys.manifestKey(name, version), versionSignal);
      if (there) {
        if (there.bytes.equals(document.bytes)) plan.unchanged.push(ref);
        else plan.conflicts.push({ ref, reason: 'the destination holds a different manifest under this version number' });
        return;
      }
    }
    plan.pending.push({ name, version, ref, bytes: document.bytes, manifest });
  };

  plan.lines = await source.reader.lines(scope ?? {}, { signal, onUnreadable: (entry) => plan.skipped.push(entry) });
  await mapBounded(plan.lines, concurrency, signal, async (line, lineSignal) => {
    const [versions, there] = await Promise.all([source.reader.versions(line, { signal: lineSignal }), destination.reader.versions(line, { signal: lineSignal })]);
    const atDestination = new Set(there);
    await mapBounded(versions, concurrency, lineSignal, (version, versionSignal) => planVersion(line, version, atDestination.has(version), versionSignal));
  });

  for (let frontier = plan.pending; frontier.length > 0; ) {
    const before = plan.pending.length;
    const needed = frontier.flatMap((pending) => pending.manifest.dependencies.map((dependency) => ({ dependency: parseRef(dependency.ref), neededBy: pending.ref })));
    await mapBounded(needed, concurrency, signal, async ({ dependency, neededBy }, dependencySignal) => {
      if (dependency.selector.kind !== 'version') return; // the manifest schema only allows @<version>
      const { store, product, type } = dependency;
      await planVersion({ store, product, type }, dependency.selector.version, undefined, dependencySignal, neededBy);
    });
    frontier = plan.pending.slice(before);
  }

  const byRef = (a: { ref: string }, b: { ref: string }) => a.ref.localeCompare(b.ref, 'en', { numeric: true });
  plan.pending.sort(byRef);
  plan.unchanged.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  plan.conflicts.sort(byRef);
  return plan;
}
