import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.js';

/** Argument help shared by every command that takes a reference or a model line. */
export const REF_HELP = 'model version: store/product/type[@version|@alias|@latest] (latest when no @)';
export const LINE_HELP = 'model line: store/product/type';
export const SCOPE_HELP = 'store, store/product or store/product/type to narrow to';

/**
 * Accumulates a repeatable option's values (commander calls it once per occurrence). No default
 * is declared, so help shows no "(default: [])"; an option never given stays undefined.
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function splitKeyValue(text: string, option: string): [string, string] {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new UsageError(`${option} expects name=value, got ${JSON.stringify(text)}.`);
  return [text.slice(0, equals), text.slice(equals + 1)];
}

/** A decimal number: `10`, `-1.5`, `.5`, `2e-3`. `Number()` alone would also take `0x10`, `0b1`, `Infinity` and `""`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

export function parseNumber(text: string, what: string): number {
  const trimmed = text.trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(value)) throw new UsageError(`${what} must be a finite number, got ${JSON.stringify(text)}: write it in decimal, e.g. 10, -1.5, .5 or 2e-3.`);
  return value;
}

export function parseCount(text: string, what: string, min: number): number {
  const value = parseNumber(text, what);
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${what} must be a whole number >= ${min}, got ${JSON.stringify(text)}.`);
  return value;
}

/** `0/2` as `[0, 2]`: a branch of a model tree as the path of child indexes leading to it. */
export function parseBranch(text: string, option: string): number[] {
  return text.split('/').map((index) => parseCount(index, `${option} ${text}: each index`, 0));
}

/** `name=value` options as a record; later occurrences win. */
export function keyValues<T = string>(values: string[] = [], option: string, parse: (value: string, name: string) => T = (value) => value as T): Record<string, T> {
  return Object.fromEntries(values.map((text) => splitKeyValue(text, option)).map(([name, value]) => [name, parse(value, name)]));
}

/** JSON from a file the user wrote; `source` names it in the error. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON (${(error as Error).message}).`);
  }
}

/** A JSON object read from a file named on the command line. */
export async function readJsonObject(path: string, option: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${option}: cannot read ${path} (${error.code === 'ENOENT' ? 'no such file' : error.message}).`);
  });
  const data = parseJson(text, `${option}: ${path}`);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UsageError(`${option}: ${path} must hold a JSON object.`);
  return data as Record<string, unknown>;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const DURATION_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `1500ms`, `90s`, `30m`, `24h`, `7d`; a bare number is milliseconds. */
export function parseDuration(text: string, option: string, minMs: number): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new UsageError(`${option} expects a duration such as 90s, 30m, 24h or 7d, got ${JSON.stringify(text)}.`);
  const ms = Math.round(Number(match[1]) * DURATION_MS[(match[2] ?? 'ms') as keyof typeof DURATION_MS]);
  if (ms < minMs) throw new UsageError(`${option} must be at least ${minMs} ms, got ${JSON.stringify(text)}.`);
  return ms;
}

/** `store[/product[/type]]` as filter fields. */
export function parseScope(scope: string | undefined): { store?: string; product?: string; type?: string } {
  if (scope === undefined) return {};
  const parts = scope.split('/');
  if (parts.length > 3 || parts.some((part) => part === '') || scope.includes('@')) {
    throw new UsageError(`Invalid scope ${JSON.stringify(scope)}: expected store, store/product or store/product/type.`);
  }
  const [store, product, type] = parts;
  return { store, ...(product === undefined ? {} : { product }), ...(type === undefined ? {} : { type }) };
}
