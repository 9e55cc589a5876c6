import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InvalidInputError } from '../errors.js';

/**
 * What tells a file's contents apart without reading them. Every write to a file changes its ctime,
 * which no tool can set back (unlike the mtime), and a replaced file has another inode.
 */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export async function fileIdentity(path: string): Promise<FileIdentity> {
  return identityOf(await stat(path, { bigint: true }));
}

export function identityOf({ dev, ino, size, mtimeNs, ctimeNs }: BigIntStats): FileIdentity {
  return { dev, ino, size, mtimeNs, ctimeNs };
}

/**
 * Fails when the file at `path` is no longer the file `before` describes: the bytes a push sends
 * after hashing a file must be the bytes it hashed, or a blob would hold other bytes than its digest says.
 */
export async function assertFileUnchanged(path: string, before: FileIdentity): Promise<void> {
  const now = await fileIdentity(path).catch(() => undefined);
  const fields = Object.keys(before) as Array<keyof FileIdentity>;
  if (!now || fields.some((field) => now[field] !== before[field])) {
    throw new InvalidInputError(
      `${path} changed while it was being pushed (after it was hashed), so nothing was stored under its digest. Push it again once nothing writes to it.`,
      { key: path },
    );
  }
}

/**
 * Passes `body` through, holding its last chunk back until `check` passes: a store commits an
 * object only once it has every byte, so a body that fails the check is never published.
 */
export function withFinalCheck(body: Readable, check: () => Promise<void>): Readable {
  return Readable.from(
    (async function* () {
      let held: Buffer | undefined;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (held) yield held;
        held = chunk;
      }
      await check();
      if (held) yield held;
    })(),
    { objectMode: false },
  );
}
