import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { type JsonValue, jsonValueSchema } from '../format/manifest.js';
import type { PlannedMeta } from './plan.js';

/** Store, product and model type as far as a legacy metadata file names them. */
export interface PartialLine {
  store?: string | undefined;
  product?: string | undefined;
  type?: string | undefined;
}

export interface LegacyMetadata {
  ids: PartialLine;
  meta: PlannedMeta;
  /** The `group` of a sidecar (e.g. a player type), when it names one. */
  group?: string | undefined;
}

/** A field the old systems wrote under several names; a value of the wrong type counts as absent. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const id = lenient(z.union([z.string().min(1), z.number().transform(String)]));
const time = lenient(z.union([z.string().min(1), z.number()]));
const record = lenient(z.record(z.string(), z.unknown()));
const period = lenient(z.looseObject({ start: time, end: time, start_date: time, end_date: time }));

/** The fields the Python systems wrote (see shared/legacy): names vary between systems, so each has its aliases. */
const legacyMetadataSchema = z.looseObject({
  store_id: id, store: id,
  product_id: id, product: id,
  model_type: id, type: id, modelType: id,
  group: id, player_type: id,
  description: lenient(z.string()),
  created_at: time, created: time, createdAt: time, trained_at: time, training_date: time, timestamp: time,
  metrics: record, stats: lenient(z.unknown()),
  hyperparameters: record, params: record, parameters: record,
  training_period: period, data_range: period,
  train_start: time, train_end: time, training_start: time, training_end: time,
  training_years: lenient(z.array(z.union([z.number(), z.string()])).min(1)),
});

type LegacyFields = z.output<typeof legacyMetadataSchema>;

/** Fields read into the manifest; the other scalar fields are kept as `legacy.<field>` tags. */
const MAPPED_FIELDS = new Set(Object.keys(legacyMetadataSchema.shape));

/** Reads a legacy JSON metadata file, or says why it cannot be read. */
export async function readLegacyMetadata(path: string): Promise<LegacyMetadata | { problem: string }> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return { problem: `${basename(path)} is not readable JSON (${(error as Error).message})` };
  }
  return interpretMetadata(data) ?? { problem: `${basename(path)} does not hold a JSON object` };
}

/** Maps a legacy metadata object onto model ids and manifest fields; undefined when it is not an object. */
export function interpretMetadata(data: unknown): LegacyMetadata | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const fields = legacyMetadataSchema.parse(data);
  const createdAt = legacyTime(fields.created_at ?? fields.created ?? fields.createdAt ?? fields.trained_at ?? fields.training_date ?? fields.timestamp);
  const dataRange = dataRangeOf(fields);
  const group = fields.group ?? fields.player_type;
  return {
    ids: { store: fields.store_id ?? fields.store, product: fields.product_id ?? fields.product, type: fields.model_type ?? fields.type ?? fields.modelType },
    group,
    meta: {
      description: fields.description ?? '',
      tags: { ...extraTags(data as Record<string, unknown>), ...(group === undefined ? {} : { group }) },
      metrics: numericLeaves(fields.metrics ?? {}),
      params: {
        ...jsonRecord(fields.hyperparameters ?? fields.params ?? fields.parameters ?? {}),
        ...(fields.stats === undefined ? {} : { stats: toJson(fields.stats) }),
      },
      ...(dataRange ? { dataRange } : {}),
      ...(createdAt ? { createdAt } : {}),
    },
  };
}

function dataRangeOf(fields: LegacyFields): PlannedMeta['dataRange'] {
  const span = fields.training_period ?? fields.data_range;
  const years = fields.training_years?.map(String);
  const start = text(span?.start ?? span?.start_date ?? fields.train_start ?? fields.training_start ?? years?.[0]);
  const end = text(span?.end ?? span?.end_date ?? fields.train_end ?? fields.training_end ?? years?.at(-1));
  if (start === undefined && end === undefined) return undefined;
  return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}

const text = (value: string | number | undefined) => (value === undefined ? undefined : String(value));

/** `{ val: { rmse: 1 } }` -> `{ 'val.rmse': 1 }`; non-numbers are left out (metrics are numbers). */
function numericLeaves(value: Record<string, unknown>, prefix = ''): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'number' && Number.isFinite(entry)) metrics[`${prefix}${key}`] = entry;
    else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) Object.assign(metrics, numericLeaves(entry as Record<string, unknown>, `${prefix}${key}.`));
  }
  return metrics;
}

function jsonRecord(value: Record<string, unknown>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, toJson(entry)]));
}

/** JSON as Python's json module may write it, NaN and Infinity included, as valid JSON values. */
function toJson(value: unknown): JsonValue {
  const parsed = jsonValueSchema.safeParse(JSON.parse(JSON.stringify(value ?? null)));
  return parsed.success ? parsed.data : String(value);
}

/** Top-level scalar fields no manifest field holds (model_id, version, deployment_status, ...). */
function extraTags(data: Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (MAPPED_FIELDS.has(key) || key === '') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') tags[`legacy.${key}`] = String(value);
  }
  return tags;
}

const COMPACT_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/;
const ISO_WITHOUT_ZONE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?$/;

/**
 * A legacy time as ISO text in UTC, or undefined when it is none. The Python systems wrote
 * `datetime.isoformat()` (often without a zone: read as UTC), `YYYYMMDD_HHMMSS` labels, or epoch seconds.
 */
export function legacyTime(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  let date: Date;
  if (typeof value === 'number') {
    date = new Date(value < 1e12 ? value * 1000 : value);
  } else {
    const compact = COMPACT_TIMESTAMP.exec(value);
    const bare = ISO_WITHOUT_ZONE.exec(value.trim());
    if (compact) {
      const [, y, mo, d, h, mi, s] = compact;
      date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    } else if (bare) {
      date = new Date(`${bare[1]}T${bare[2] ?? '00:00:00'}${(bare[3] ?? '').slice(0, 4)}Z`);
    } else {
      date = new Date(value.replace(' ', 'T'));
    }
  }
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
