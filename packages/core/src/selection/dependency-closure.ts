import { DependencyCycleError, IntegrityError, NotFoundError } from '../errors.js';
import type { ModelName } from '../format/keys.js';
import type { Artifact, Manifest } from '../format/manifest.js';
import { formatRef, parsePinnedRef } from '../format/refs.js';
import { mapBounded } from '../util/concurrency.js';

/** One version of a dependency closure, with the artifacts needed from it. */
export interface ClosurePart {
  /** `store/product/type@version` */
  ref: string;
  manifest: Manifest;
  /** The artifacts needed from this version, each after the ones it depends on. */
  artifacts: Artifact[];
  /** The edge it was first reached through; absent for the version asked for. */
  dependency?: { role: string; via: string };
}

/** Reads the manifest of a version known by number (the caller's cache, or the store). */
export type PinnedManifestReader = (version: ModelName & { version: number }, signal: AbortSignal | undefined) => Promise<Manifest>;

/** Manifests of one version's direct dependencies read at once. */
const READ_CONCURRENCY = 8;

/**
 * `selected` artifacts of `root` with everything they need, in an order to load them in:
 * dependencies first, ties kept in declared order, so the order is stable.
 *
 * Inside a version, an artifact needs the artifacts its `dependsOn` names. Across versions, a
 * version needs the versions its manifest lists in `dependencies` (pinned to a number at push,
 * so a closure is reproducible), and needs them whole: a dependency version comes with every
 * artifact, and with its own dependencies, transitively. Each version appears once. A loop in
 * either kind of edge, which stored manifests can hold (written by hand, imported, a version
 * deleted and pushed again under its number), is a `DependencyCycleError` naming it.
 */
export async function dependencyClosure(root: Manifest, selected: readonly Artifact[], read: PinnedManifestReader, signal?: AbortSignal): Promise<ClosurePart[]> {
  const parts: ClosurePart[] = [];
  const done = new Set<string>();
  const visit = async (manifest: Manifest, wanted: readonly Artifact[], trail: readonly string[], dependency?: ClosurePart['dependency']): Promise<void> => {
    const ref = formatRef(manifest);
    const path = [...trail, ref];
    const edges = manifest.dependencies.map((edge) => ({ ...edge, pinned: parsePinnedRef(edge.ref) }));
    for (const edge of edges) {
      const target = formatRef(edge.pinned);
      if (path.includes(target)) {
        const cycle = [...path.slice(path.indexOf(target)), target];
        throw new DependencyCycleError(`Model version dependencies form a cycle: ${cycle.join(' -> ')}. No load order exists; fix the manifests (push the versions again without the loop).`, { key: ref, cycle });
      }
    }
    const pending = edges.filter((edge) => !done.has(formatRef(edge.pinned)));
    const manifests = await mapBounded(pending, READ_CONCURRENCY, signal, (edge, readSignal) =>
      read(edge.pinned, readSignal).catch((error: unknown) => {
        if (!(error instanceof NotFoundError)) throw error;
        throw new NotFoundError(`${ref} depends on ${edge.ref} (${edge.role}), which cannot be read: ${error.message}`, { key: edge.ref, cause: error });
      }),
    );
    for (const [index, source] of manifests.entries()) {
      // Reached meanwhile through an earlier sibling (a diamond): it is in place already.
      if (!done.has(formatRef(source))) await visit(source, source.artifacts, path, { role: pending[index]!.role, via: ref });
    }
    done.add(ref);
    parts.push({ ref, manifest, artifacts: orderWithinVersion(manifest, wanted), ...(dependency ? { dependency } : {}) });
  };
  await visit(root, selected, []);
  return parts;
}

/** `wanted` and the artifacts they need through `dependsOn`, each after its dependencies. */
function orderWithinVersion(manifest: Manifest, wanted: readonly Artifact[]): Artifact[] {
  const ref = formatRef(manifest);
  const byName = new Map(manifest.artifacts.map((artifact) => [artifact.name, artifact]));
  const ordered: Artifact[] = [];
  const placed = new Set<string>();
  const visit = (artifact: Artifact, trail: readonly string[]): void => {
    if (placed.has(artifact.name)) return;
    const path = [...trail, artifact.name];
    for (const name of artifact.dependsOn) {
      if (path.includes(name)) {
        const cycle = [...path.slice(path.indexOf(name)), name];
        throw new DependencyCycleError(`The dependsOn of ${ref}'s artifacts form a cycle: ${cycle.map((entry) => `"${entry}"`).join(' -> ')}. No load order exists; push the version again without the loop.`, { key: ref, cycle });
      }
      const needed = byName.get(name);
      if (!needed) {
        throw new IntegrityError(`${ref} artifact "${artifact.name}" depends on "${name}", which the version does not have (it has: ${[...byName.keys()].join(', ')}). Push the version again with the missing artifact.`, { key: ref });
      }
      visit(needed, path);
    }
    placed.add(artifact.name);
    ordered.push(artifact);
  };
  for (const artifact of wanted) visit(artifact, []);
  return ordered;
}
