import { InvalidInputError } from '../errors.js';

/** Longest id accepted, in characters (Unicode code points). */
export const MAX_ID_LENGTH = 128;
/** Longest encoded key segment: the file-name limit of common filesystems. */
export const MAX_ENCODED_ID_LENGTH = 255;

export type IdKind = 'store' | 'product' | 'type' | 'alias';

const SAFE_CHAR = /^[A-Za-z0-9._-]$/;
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/u;
const ENCODED_SEGMENT = /^(?:[A-Za-z0-9._-]|%[0-9A-F]{2})+$/;
const RULE = `an id is 1-${MAX_ID_LENGTH} characters, not "." or "..", without control characters; characters outside [A-Za-z0-9._-] are allowed and percent-encoded in keys`;

function invalid(kind: string, id: string, problem: string): InvalidInputError {
  return new InvalidInputError(`Invalid ${kind} id ${JSON.stringify(id)}: ${problem} (${RULE}).`);
}

/**
 * Validates a store, product, model type or alias id and returns its key segment. The encoding is
 * reversible (see `decodeId`) and yields only characters that are safe on every backend and filesystem.
 */
export function encodeId(id: string, kind: IdKind): string {
  if (typeof id !== 'string') throw invalid(kind, String(id), 'it must be a string');
  const chars = [...id];
  if (chars.length === 0) throw invalid(kind, id, 'it is empty');
  if (chars.length > MAX_ID_LENGTH) throw invalid(kind, id, `it has ${chars.length} characters`);
  if (id === '.' || id === '..') throw invalid(kind, id, 'it is a relative path name');
  if (CONTROL_CHAR.test(id)) throw invalid(kind, id, 'it contains a control character');
  if (!id.isWellFormed()) throw invalid(kind, id, 'it contains a lone UTF-16 surrogate');
  const encoded = chars.map((char) => (SAFE_CHAR.test(char) ? char : percentEncode(char))).join('');
  if (encoded.length > MAX_ENCODED_ID_LENGTH) {
    throw invalid(kind, id, `its encoding is ${encoded.length} characters, over ${MAX_ENCODED_ID_LENGTH}; use fewer non-ASCII characters`);
  }
  return encoded;
}

function percentEncode(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** Turns a key segment back into its id. Only the canonical encoding `encodeId` produces is accepted. */
export function decodeId(segment: string, kind: IdKind): string {
  let id: string;
  try {
    if (!ENCODED_SEGMENT.test(segment)) throw new Error('not an encoded id');
    id = decodeURIComponent(segment);
  } catch {
    throw new InvalidInputError(`Key segment ${JSON.stringify(segment)} is not an encoded ${kind} id.`, { key: segment });
  }
  if (encodeId(id, kind) !== segment) {
    throw new InvalidInputError(`Key segment ${JSON.stringify(segment)} is not the canonical encoding of a ${kind} id.`, { key: segment });
  }
  return id;
}

const RESERVED_ALIASES = /^(latest|v?[0-9]+)$/i;

/** Aliases are ids that cannot be mistaken for a version selector (`latest`, `7`, `v7`). */
export function encodeAlias(alias: string): string {
  const segment = encodeId(alias, 'alias');
  if (RESERVED_ALIASES.test(alias)) {
    throw new InvalidInputError(`Invalid alias ${JSON.stringify(alias)}: "latest" and version numbers such as "7" or "v7" are reserved; pick a name such as "production".`);
  }
  return segment;
}

/** Versions are positive integers, written in keys without leading zeros. */
export function assertVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new InvalidInputError(`Invalid version ${JSON.stringify(version)}: versions are positive integers (1, 2, ...).`);
  }
  return version;
}

/** The version a key's folder names (`7`), or undefined for any other folder. */
export function parseVersionSegment(segment: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(segment)) return undefined;
  const version = Number(segment);
  return Number.isSafeInteger(version) ? version : undefined;
}

/**
 * A version as a user writes it (`7` or `v7`); undefined when the text is not a number at all (it
 * may be an alias). Numeric text that is no valid version fails, quoting the text as typed.
 */
export function parseVersionText(text: string): number | undefined {
  const digits = text.replace(/^v/, '');
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const version = parseVersionSegment(digits);
  if (version === undefined) {
    throw new InvalidInputError(`Invalid version ${JSON.stringify(text)}: versions are whole numbers from 1 to ${Number.MAX_SAFE_INTEGER}.`);
  }
  return version;
}
