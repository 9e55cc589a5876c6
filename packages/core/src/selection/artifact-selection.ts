import * as z from 'zod/mini';
import { NotFoundError } from '../errors.js';
import { ARTIFACT_KINDS, type Artifact, type ArtifactKind, type Manifest, artifactNameSchema } from '../format/manifest.js';
import { formatRef } from '../format/refs.js';
import { parseOptions } from '../util/parse-options.js';
import { lazySchema } from '../util/lazy-schema.js';

/**
 * Which artifacts of a version to pull or load. Criteria combine (an artifact must meet each one
 * given); the values of one criterion are alternatives. Nothing given selects every artifact.
 */
export interface ArtifactSelection {
  /** Only these artifacts, by name. */
  artifacts?: string[] | undefined;
  /** Only artifacts of these kinds. */
  kinds?: ArtifactKind[] | undefined;
  /** Only artifacts of these cross-validation folds. */
  folds?: number[] | undefined;
  /** Only artifacts on this branch of a model tree or below it: `[1]` matches branches `[1]` and `[1, 0]`. */
  branch?: number[] | undefined;
}

const nonEmpty = 'an empty list selects nothing; leave the field out to select every artifact';

const selectionSchema = lazySchema(() =>
  z.object({
    artifacts: z.optional(z.array(artifactNameSchema).check(z.minLength(1, nonEmpty))),
    kinds: z.optional(z.array(z.enum(ARTIFACT_KINDS)).check(z.minLength(1, nonEmpty))),
    folds: z.optional(z.array(z.int().check(z.nonnegative())).check(z.minLength(1, nonEmpty))),
    branch: z.optional(z.array(z.int().check(z.nonnegative())).check(z.minLength(1, 'must name a branch, e.g. [0] or [0, 2]'))),
  }),
);

/** `0/2`: how a branch path is written in messages and on the command line. */
export function formatBranch(branch: readonly number[]): string {
  return branch.join('/');
}

export function isOnBranch(artifact: Artifact, branch: readonly number[]): boolean {
  return artifact.branch !== undefined && branch.every((index, depth) => artifact.branch![depth] === index);
}

/** True when the options name at least one selection criterion. */
function hasSelection(options: ArtifactSelection): boolean {
  return options.artifacts !== undefined || options.kinds !== undefined || options.folds !== undefined || options.branch !== undefined;
}

/**
 * The artifacts of `manifest` that `options` selects (every one when it names no criterion), in
 * manifest order. A name, kind, fold or branch that matches no artifact of the version is a
 * `NotFoundError` naming what the version has, and so is a combination that leaves nothing; a
 * malformed criterion is an `InvalidInputError`. The one rule for the registry's pulls, the loader
 * and the CLI, so all of them select the same artifacts.
 */
export function selectArtifacts(manifest: Manifest, options: ArtifactSelection): Artifact[] {
  const { artifacts: names, kinds, folds, branch } = parseOptions(selectionSchema, pickSelection(options), 'artifact selection');
  const ref = formatRef(manifest);
  const all = manifest.artifacts;
  const tests: Array<(artifact: Artifact) => boolean> = [];
  if (names) {
    const wanted = new Set(names.map((name) => findArtifact(manifest, name)));
    tests.push((artifact) => wanted.has(artifact));
  }
  if (kinds) {
    assertEachMatches(ref, 'kind', kinds, all.map((artifact) => artifact.kind));
    tests.push((artifact) => kinds.includes(artifact.kind));
  }
  if (folds) {
    assertEachMatches(ref, 'fold', folds, all.flatMap((artifact) => (artifact.fold === undefined ? [] : [artifact.fold])));
    tests.push((artifact) => artifact.fold !== undefined && folds.includes(artifact.fold));
  }
  if (branch) {
    if (!all.some((artifact) => isOnBranch(artifact, branch))) {
      const branches = unique(all.flatMap((artifact) => (artifact.branch ? [formatBranch(artifact.branch)] : [])));
      throw new NotFoundError(`${ref} has no artifact on branch ${formatBranch(branch)}; ${branches.length ? `its branches: ${branches.join(', ')}` : 'none of its artifacts has a branch'}.`, { key: ref });
    }
    tests.push((artifact) => isOnBranch(artifact, branch));
  }
  const selected = all.filter((artifact) => tests.every((test) => test(artifact)));
  if (selected.length === 0) {
    throw new NotFoundError(`No artifact of ${ref} meets every criterion (${describeSelection(options)}); it has: ${all.map(describeArtifact).join(', ')}.`, { key: ref });
  }
  return selected;
}

/** The selected artifacts that belong to a fold; a `NotFoundError` when there are none. */
export function selectFoldArtifacts(manifest: Manifest, options: ArtifactSelection): Artifact[] {
  const folded = selectArtifacts(manifest, options).filter((artifact) => artifact.fold !== undefined);
  if (folded.length === 0) {
    const ref = formatRef(manifest);
    throw new NotFoundError(`${ref} has no per-fold artifacts${hasSelection(options) ? ' among the selected ones' : ''}.`, { key: ref });
  }
  return folded;
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

/** The artifacts of one cross-validation fold and their local paths, by artifact name. */
export interface FoldSet {
  fold: number;
  files: Record<string, string>;
  artifacts: Artifact[];
}

/** Artifacts with a fold, grouped by fold and sorted by fold number; `files` maps artifact names to local paths. */
export function groupByFold(artifacts: readonly Artifact[], files: Record<string, string>): FoldSet[] {
  const folded = artifacts.filter((artifact) => artifact.fold !== undefined);
  return unique(folded.map((artifact) => artifact.fold!))
    .sort((a, b) => a - b)
    .map((fold) => {
      const members = folded.filter((artifact) => artifact.fold === fold);
      return { fold, artifacts: members, files: Object.fromEntries(members.map((artifact) => [artifact.name, files[artifact.name]!])) };
    });
}

/** Only the selection fields: callers pass their whole options object (signal, progress, ...). */
function pickSelection({ artifacts, kinds, folds, branch }: ArtifactSelection): ArtifactSelection {
  return { artifacts, kinds, folds, branch };
}

function assertEachMatches<T extends string | number>(ref: string, what: 'kind' | 'fold', wanted: readonly T[], present: readonly T[]): void {
  const missing = wanted.filter((value) => !present.includes(value));
  if (missing.length === 0) return;
  const have = unique(present).sort((a, b) => (a < b ? -1 : 1));
  throw new NotFoundError(
    `${ref} has no artifact of ${what} ${missing.join(', ')}; ${have.length ? `its ${what}s: ${have.join(', ')}` : `none of its artifacts has a ${what}`}.`,
    { key: ref },
  );
}

function describeSelection({ artifacts, kinds, folds, branch }: ArtifactSelection): string {
  return [
    artifacts && `artifacts ${artifacts.join(', ')}`,
    kinds && `kind ${kinds.join(' or ')}`,
    folds && `fold ${folds.join(' or ')}`,
    branch && `branch ${formatBranch(branch)}`,
  ]
    .filter(Boolean)
    .join('; ');
}

function describeArtifact(artifact: Artifact): string {
  const traits = [artifact.kind, artifact.fold === undefined ? '' : `fold ${artifact.fold}`, artifact.branch ? `branch ${formatBranch(artifact.branch)}` : ''];
  return `${artifact.name} (${traits.filter(Boolean).join(', ')})`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
