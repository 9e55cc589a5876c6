import type { ArtifactKind, PushMeta } from '@modelreg/core';
import { parseOptions } from '@modelreg/core/backend';
import { z } from 'zod';

/**
 * A file's contents: a string is UTF-8 text, bytes are taken as they are, `{ path }` reads a file,
 * `{ size }` makes that many deterministic pseudo-random bytes (streamed, never held whole).
 */
export type SeedContent = string | Uint8Array | { path: string } | { size: number };

/** A file with the artifact fields a push takes besides its name and body. */
export interface SeedFileWithOptions {
  content: SeedContent;
  /** @default 'model' */
  kind?: ArtifactKind;
  /** @default 'application/octet-stream' */
  mediaType?: string;
  /** Other files of this version needed at load time. @default [] */
  dependsOn?: string[];
  fold?: number;
  branch?: number[];
}

export type SeedFile = SeedContent | SeedFileWithOptions;

/** One version to push: its files by name, its metadata, and aliases pointed at it once pushed. */
export interface SeedVersion extends PushMeta {
  /** Push exactly this version number. @default the next free one */
  version?: number;
  /** At least one file, by artifact name (`model.bin`, `folds/0/model.bin`). */
  files: Record<string, SeedFile>;
  /** Aliases set to this version after it is pushed, in order (so a later version takes an alias over, and can be rolled back). @default [] */
  aliases?: string[];
}

/** Model lines (`store/product/type`) and the versions to push to each, in order; one version may stand alone. */
export type SeedSpec = Record<string, SeedVersion | SeedVersion[]>;

const contentSchema = z.union([
  z.string(),
  z.instanceof(Uint8Array),
  z.strictObject({ path: z.string().min(1) }),
  z.strictObject({ size: z.number().int().nonnegative() }),
]);

const fileSchema = z.union([
  contentSchema,
  z.strictObject({
    content: contentSchema,
    // Values are checked by the push itself, whose errors name the artifact.
    kind: z.string().optional(),
    mediaType: z.string().optional(),
    dependsOn: z.array(z.string()).optional(),
    fold: z.number().optional(),
    branch: z.array(z.number()).optional(),
  }),
]);

const versionSchema = z.strictObject({
  version: z.number().int().positive().optional(),
  files: z.record(z.string().min(1), fileSchema).refine((files) => Object.keys(files).length > 0, 'needs at least one file'),
  aliases: z.array(z.string().min(1)).default([]),
  // Push metadata, validated by the push (errors name the field).
  description: z.unknown().optional(),
  tags: z.unknown().optional(),
  metrics: z.unknown().optional(),
  params: z.unknown().optional(),
  dataRange: z.unknown().optional(),
  dependencies: z.unknown().optional(),
});

const MODEL_LINE = /^[^@/]+\/[^@/]+\/[^@/]+$/;

export const seedSpecSchema = z.record(z.string(), z.union([versionSchema, z.array(versionSchema).min(1)])).superRefine((spec, ctx) => {
  for (const line of Object.keys(spec)) {
    if (!MODEL_LINE.test(line)) {
      ctx.addIssue({ code: 'custom', path: [line], message: 'must be a model line "store/product/type" (set `version` in the entry to pick a number)' });
    }
  }
});

/** A checked seed spec: model lines in the order given, each with its versions in order. */
export type ParsedSeed = Array<{ line: string; versions: Array<SeedVersion & { aliases: string[] }> }>;

export function parseSeedSpec(spec: SeedSpec): ParsedSeed {
  const parsed = parseOptions(seedSpecSchema, spec, 'seed');
  return Object.entries(parsed).map(([line, versions]) => ({
    line,
    versions: (Array.isArray(versions) ? versions : [versions]) as Array<SeedVersion & { aliases: string[] }>,
  }));
}
