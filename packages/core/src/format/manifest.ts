import * as z from 'zod/mini';
import { isDigest, type Digest } from './digest.js';
import { InvalidManifestError } from '../errors.js';
import { type ModelName, formatName } from './keys.js';
import { formatRef } from './refs.js';
import { describeIssues } from '../util/parse-options.js';
import { lazySchema } from '../util/lazy-schema.js';

export const ARTIFACT_KINDS = ['model', 'transformer', 'splitter', 'encoder', 'meta_model', 'other'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

const ARTIFACT_NAME_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Artifact names are relative paths (`model.onnx`, `folds/3/model.bin`) that are safe to create under any folder. */
export const artifactNameSchema = lazySchema(() =>
  z.string().check(
    z.minLength(1),
    z.maxLength(1024),
    z.refine(
      (name) => name.split('/').every((segment) => ARTIFACT_NAME_SEGMENT.test(segment) && segment !== '.' && segment !== '..'),
      { message: 'must be a relative path of "/"-separated [A-Za-z0-9._-]+ segments, without "." or ".."' },
    ),
  ),
);

export const digestSchema = lazySchema(() => z.custom<Digest>(isDigest, { message: 'must be "sha256:" followed by 64 lowercase hex characters' }));

export const artifactSchema = lazySchema(() =>
  z.strictObject({
    name: artifactNameSchema,
    kind: z.enum(ARTIFACT_KINDS),
    digest: digestSchema,
    size: z.int().check(z.nonnegative()),
    mediaType: z.string().check(z.minLength(1)),
    /** Names of other artifacts in the same version this one needs (a meta-model needs its base models). */
    dependsOn: z.array(artifactNameSchema),
    /** Cross-validation fold this artifact was trained on. */
    fold: z.optional(z.int().check(z.nonnegative())),
    /** Position in a tree of models (e.g. a stacking ensemble), as a path of child indexes. */
    branch: z.optional(z.array(z.int().check(z.nonnegative()))),
  }),
);

const REF_WITH_VERSION = /^[^/@]+\/[^/@]+\/[^/@]+@[1-9][0-9]*$/;

export const dependencySchema = lazySchema(() =>
  z.strictObject({
    /** Another model version, as `store/product/type@<version>`. */
    ref: z.string().check(z.regex(REF_WITH_VERSION, 'must be "store/product/type@<version>"')),
    /** Why this version needs it, e.g. `source` for the base models of a stacking meta-model. */
    role: z.string().check(z.minLength(1), z.maxLength(64)),
  }),
);

export const jsonValueSchema: z.ZodMiniType<JsonValue> = lazySchema(() =>
  z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)])),
);
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const dataRangeSchema = lazySchema(() =>
  z.strictObject({
    start: z.optional(z.string().check(z.minLength(1))),
    end: z.optional(z.string().check(z.minLength(1))),
  }),
);

export const manifestSchema = lazySchema(() =>
  z.strictObject({
    schemaVersion: z.literal(2),
    store: z.string().check(z.minLength(1)),
    product: z.string().check(z.minLength(1)),
    type: z.string().check(z.minLength(1)),
    version: z.int().check(z.positive()),
    createdAt: z.iso.datetime(),
    description: z.string(),
    tags: z.record(z.string(), z.string()),
    metrics: z.record(z.string(), z.number().check(z.refine(Number.isFinite, 'must be a finite number'))),
    params: z.record(z.string(), jsonValueSchema),
    dataRange: z.optional(dataRangeSchema),
    dependencies: z.array(dependencySchema),
    artifacts: z.array(artifactSchema).check(z.minLength(1)),
  }),
);

export type Manifest = z.infer<typeof manifestSchema>;
export type Artifact = z.infer<typeof artifactSchema>;
export type Dependency = z.infer<typeof dependencySchema>;
export type DataRange = z.infer<typeof dataRangeSchema>;

/**
 * Validates a manifest read from `key`. A manifest without `schemaVersion: 2` is reported as
 * legacy, never guessed at; one that names a different model line or version than its key is corrupt.
 */
export function parseManifest(data: unknown, key: string, expected?: ModelName & { version: number }): Manifest {
  const schemaVersion = typeof data === 'object' && data !== null ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (schemaVersion !== 2) {
    throw new InvalidManifestError(
      `Manifest ${key} has schemaVersion ${JSON.stringify(schemaVersion)}, not 2: it is a legacy or foreign manifest. Migrate it to schema v2 or remove it.`,
      { key },
    );
  }
  const result = manifestSchema.safeParse(data);
  if (!result.success) {
    throw new InvalidManifestError(`Manifest ${key} is not a valid schema v2 manifest: ${describeIssues(result.error)}.`, { key });
  }
  const manifest = result.data;
  if (expected && (formatName(manifest) !== formatName(expected) || manifest.version !== expected.version)) {
    throw new InvalidManifestError(
      `Manifest ${key} describes ${formatRef(manifest)}, not ${formatRef(expected)}: it was copied or edited by hand.`,
      { key },
    );
  }
  return manifest;
}

/** Parses manifest bytes; invalid JSON is reported like any other invalid manifest. */
export function decodeManifest(bytes: Buffer, key: string, expected?: ModelName & { version: number }): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new InvalidManifestError(`Manifest ${key} is not valid JSON (${(error as Error).message}). It is corrupt: restore it or delete the version.`, { key, cause: error });
  }
  return parseManifest(data, key, expected);
}
