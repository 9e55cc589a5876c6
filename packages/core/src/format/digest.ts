import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.js';

/** A content digest as written in manifests: `sha256:<64 lowercase hex>`. */
export type Digest = `sha256:${string}`;

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST.test(value);
}

export function assertDigest(value: string): Digest {
  if (!isDigest(value)) throw new InvalidInputError(`Invalid digest ${JSON.stringify(value)}: expected "sha256:" and 64 lowercase hex characters.`);
  return value;
}

/** The 64 hex characters of a digest. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/** The digest of a sha256 given as hex. */
export function digestFromHex(hex: string): Digest {
  return `sha256:${hex}`;
}

export function sha256(bytes: Uint8Array | string): Digest {
  return digestFromHex(createHash('sha256').update(bytes).digest('hex'));
}
