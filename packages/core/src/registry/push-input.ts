import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { ARTIFACT_KINDS, type ArtifactKind, artifactNameSchema, dataRangeSchema, jsonValueSchema } from '../format/manifest.js';
import { parseOptions } from '../util/parse-options.js';
import { artifactNameClash } from '../selection/folder-names.js';
import type { RefInput } from '../format/refs.js';
import { type TimestampInput, timestampSchema } from '../format/timestamp.js';
import type { ArtifactBody } from '../blobs/sources.js';

/** One file of a version being pushed. */
export interface ArtifactInput {
  /** Relative path inside the version, e.g. `model.onnx` or `folds/2/model.bin`. */
  name: string;
  /** A file path, bytes, or a stream. */
  body: ArtifactBody;
  /** @default 'model' */
  kind?: ArtifactKind;
  /** @default 'application/octet-stream' */
  mediaType?: string;
  /** Other artifacts of this version this one needs at load time. @default [] */
  dependsOn?: string[];
  /** Cross-validation fold. */
  fold?: number;
  /** Position in a tree of models, as a path of child indexes. */
  branch?: number[];
}

/** Everything about a version except its files. */
export interface PushMeta {
  description?: string;
  tags?: Record<string, string>;
  metrics?: Record<string, number>;
  params?: Record<string, unknown>;
  dataRange?: { start?: string; end?: string };
  /** Other model versions this one was built from; `@latest` and aliases are pinned to a number at push. */
  dependencies?: Array<{ ref: RefInput; role?: string }>;
  /** When the version was made, for versions brought in from elsewhere (`Date` or ISO 8601 text). @default now */
  createdAt?: TimestampInput;
}

const artifactInputSchema = z.strictObject({
  name: artifactNameSchema,
  body: z.any(),
  kind: z.enum(ARTIFACT_KINDS).default('model'),
  mediaType: z.string().min(1).default('application/octet-stream'),
  dependsOn: z.array(artifactNameSchema).default([]),
  fold: z.number().int().nonnegative().optional(),
  branch: z.array(z.number().int().nonnegative()).optional(),
});

const pushMetaSchema = z.strictObject({
  description: z.string().max(10_000).default(''),
  tags: z.record(z.string().min(1), z.string()).default({}),
  metrics: z.record(z.string().min(1), z.number().refine(Number.isFinite, 'must be a finite number')).default({}),
  params: z.record(z.string(), jsonValueSchema).default({}),
  dataRange: z.optional(dataRangeSchema),
  dependencies: z.array(z.strictObject({ ref: z.any(), role: z.string().min(1).max(64).default('source') })).default([]),
  createdAt: z.optional(timestampSchema),
});

export type ValidatedArtifact = z.output<typeof artifactInputSchema> & { body: ArtifactBody };
export type ValidatedMeta = z.output<typeof pushMetaSchema> & { dependencies: Array<{ ref: RefInput; role: string }> };

/**
 * Checks a push's artifacts and metadata before any byte moves: unique names, known kinds,
 * `dependsOn` naming artifacts of the same version without cycles, and meta-models that have sources.
 */
export function validatePushInput(artifacts: readonly ArtifactInput[], meta: PushMeta): { artifacts: ValidatedArtifact[]; meta: ValidatedMeta } {
  if (!Array.isArray(artifacts) || artifacts.length === 0) {
    throw new InvalidInputError('A push needs at least one artifact: [{ name: "model.bin", body: "./model.bin" }].');
  }
  const parsedArtifacts = artifacts.map(
    (artifact, index) => parseOptions(artifactInputSchema, artifact, `artifact #${index + 1} (${JSON.stringify(artifact?.name)})`) as ValidatedArtifact,
  );
  const parsedMeta = parseOptions(pushMetaSchema, meta, 'push metadata') as ValidatedMeta;

  const names = new Set(parsedArtifacts.map((artifact) => artifact.name));
  const clash = artifactNameClash(parsedArtifacts.map((artifact) => artifact.name));
  if (clash) throw new InvalidInputError(`${clash} Rename one of them: every version must be pullable into a folder on any filesystem.`);
  for (const artifact of parsedArtifacts) {
    for (const needed of artifact.dependsOn) {
      if (!names.has(needed)) {
        throw new InvalidInputError(`Artifact "${artifact.name}" depends on "${needed}", which is not in this push (artifacts: ${[...names].join(', ')}).`);
      }
    }
    if (artifact.kind === 'meta_model' && artifact.dependsOn.length === 0 && parsedMeta.dependencies.length === 0) {
      throw new InvalidInputError(
        `Meta-model "${artifact.name}" has no sources: list its base models in dependsOn, or the source model versions in dependencies.`,
      );
    }
  }
  assertAcyclic(parsedArtifacts);
  return { artifacts: parsedArtifacts, meta: parsedMeta };
}

function assertAcyclic(artifacts: ReadonlyArray<{ name: string; dependsOn: string[] }>): void {
  const edges = new Map(artifacts.map((artifact) => [artifact.name, artifact.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' -> ');
      throw new InvalidInputError(`Artifact dependencies form a cycle: ${cycle}. dependsOn must describe a load order.`);
    }
    state.set(name, 'visiting');
    for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of edges.keys()) visit(name, []);
}
