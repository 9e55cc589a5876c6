import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { encodeId } from '../format/ids.js';
import { type ModelName, formatName } from '../format/keys.js';
import { type ArtifactInput, validatePushInput } from '../registry/push-input.js';
import { parseOptions } from '../util/parse-options.js';
import { IdPattern } from './id-pattern.js';
import { detectLayout, layoutNamed } from './layouts/index.js';
import type { LayoutScan, LegacyModel } from './layouts/layout.js';
import type { PartialLine } from './legacy-metadata.js';
import { IMPORT_LAYOUT_TAG, IMPORT_SOURCE_TAG, type ImportPlan, LAYOUT_NAMES, type PlannedAlias, type PlannedVersion, type UnmappedSource } from './plan.js';

export interface PlanImportOptions {
  /** The legacy layout, or `auto` to detect it. @default 'auto' */
  layout?: (typeof LAYOUT_NAMES)[number] | 'auto';
  /** Reads ids missing from metadata out of folder names, e.g. `{store}_{product}_{type}`. */
  idPattern?: string;
  /** Store id for models whose source names none. */
  store?: string;
  /** Product id for models whose source names none. */
  product?: string;
  /** Model type for models whose source names none. */
  type?: string;
}

const optionsSchema = z.strictObject({
  layout: z.enum([...LAYOUT_NAMES, 'auto']).default('auto'),
  idPattern: z.string().min(1).optional(),
  store: z.string().min(1).optional(),
  product: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
});

/** Reads a legacy tree and says what an import would do; reads files' names, sizes and metadata, never their bytes, and writes nothing. */
export async function planImport(sourceFolder: string, options: PlanImportOptions = {}): Promise<ImportPlan> {
  const settings = parseOptions(optionsSchema, options, 'import options');
  const root = resolve(sourceFolder);
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) throw new InvalidInputError(`${sourceFolder} is not a folder: give the folder that holds the legacy models.`);
  const pattern = settings.idPattern === undefined ? undefined : new IdPattern(settings.idPattern);
  const layout = settings.layout === 'auto' ? await detectLayout(root) : layoutNamed(settings.layout);
  const scan = await layout.scan(root);
  const defaults = { store: settings.store, product: settings.product, type: settings.type };
  const unmapped = [...scan.unmapped];
  const versions: PlannedVersion[] = [];
  for (const model of scan.models) {
    const planned = planVersion(model, layout.name, pattern, defaults);
    if ('reason' in planned) unmapped.push(planned);
    else versions.push(planned);
  }
  const ordered = orderVersions(versions, unmapped);
  return {
    root,
    layout: layout.name,
    detected: settings.layout === 'auto',
    versions: ordered,
    aliases: planAliases(scan, ordered, unmapped),
    unmapped: unmapped.sort((a, b) => a.source.localeCompare(b.source)),
  };
}

function planVersion(model: LegacyModel, layout: string, pattern: IdPattern | undefined, defaults: PartialLine): PlannedVersion | UnmappedSource {
  const fromName = pattern?.match(model.idSource);
  const pick = (field: keyof PartialLine) => model.ids[field] ?? fromName?.[field] ?? defaults[field] ?? model.fallbackIds?.[field];
  const line = { store: pick('store'), product: pick('product'), type: pick('type') };
  const missing = (Object.keys(line) as Array<keyof PartialLine>).filter((field) => line[field] === undefined);
  if (missing.length > 0) {
    const hint = pattern && !fromName ? `the folder name "${model.idSource}" does not match --id-pattern ${pattern.pattern}` : `give --id-pattern or --${missing[0]}`;
    return { source: model.source, reason: `no ${missing.join(', ')} id: the metadata names none and ${hint}` };
  }
  const tags = { ...model.meta.tags, [IMPORT_SOURCE_TAG]: model.source, [IMPORT_LAYOUT_TAG]: layout };
  const planned: PlannedVersion = { source: model.source, line: line as ModelName, artifacts: model.artifacts, meta: { ...model.meta, tags }, ...(model.version === undefined ? {} : { version: model.version }) };
  try {
    for (const field of ['store', 'product', 'type'] as const) encodeId(planned.line[field], field);
    validatePushInput(artifactInputs(planned), planned.meta);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { source: model.source, reason: error.message };
  }
  return planned;
}

/** A planned version's files as push input: each artifact's body is its legacy file. */
export function artifactInputs(planned: PlannedVersion): ArtifactInput[] {
  return planned.artifacts.map(({ path, size: _size, ...artifact }) => ({ ...artifact, body: path }));
}

/**
 * Push order: per model line, versions with a kept number by that number, the others by creation
 * time, then by source. A kept number claimed twice leaves the second unmapped.
 */
function orderVersions(versions: PlannedVersion[], unmapped: UnmappedSource[]): PlannedVersion[] {
  const sorted = [...versions].sort(
    (a, b) =>
      formatName(a.line).localeCompare(formatName(b.line)) ||
      (a.version ?? 0) - (b.version ?? 0) ||
      (a.meta.createdAt ?? '').localeCompare(b.meta.createdAt ?? '') ||
      a.source.localeCompare(b.source),
  );
  const claimed = new Map<string, string>();
  return sorted.filter((planned) => {
    if (planned.version === undefined) return true;
    const key = `${formatName(planned.line)}@${planned.version}`;
    const first = claimed.get(key);
    if (first === undefined) {
      claimed.set(key, planned.source);
      return true;
    }
    unmapped.push({ source: planned.source, reason: `${key} is claimed by ${first} already` });
    return false;
  });
}

function planAliases(scan: LayoutScan, versions: PlannedVersion[], unmapped: UnmappedSource[]): PlannedAlias[] {
  const bySource = new Map(versions.map((planned) => [planned.source, planned]));
  const aliases: PlannedAlias[] = [];
  for (const alias of scan.aliases) {
    const lines = new Set(alias.moves.map((move) => bySource.get(move.source)).map((planned) => (planned ? formatName(planned.line) : undefined)));
    const line = bySource.get(alias.moves.at(-1)!.source)?.line;
    if (!line || lines.size !== 1) {
      unmapped.push({ source: alias.moves.at(-1)!.source, reason: `its "${alias.alias}" pointer cannot be set: ${line ? 'its moves span several model lines' : 'the version it points at is not imported'}` });
      continue;
    }
    aliases.push({ line, alias: alias.alias, moves: alias.moves.map((move) => ({ source: move.source, reason: move.reason, ...(move.at ? { at: move.at } : {}) })) });
  }
  return aliases;
}
