import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InvalidInputError } from '../errors.js';
import { READ_CHUNK_BYTES } from '../util/streams.js';
import { type FileIdentity, identityOf } from './file-identity.js';

/** Bytes for one artifact: a file path, bytes in memory, or a stream (spooled to a temp file while hashed). */
export type ArtifactBody = string | Buffer | Uint8Array | Readable;

export interface FileSource {
  kind: 'file';
  path: string;
  size: number;
  /** The file as it was before it was hashed: what is uploaded later is checked against it. */
  identity: FileIdentity;
}

export type ArtifactSource =
  | FileSource
  | { kind: 'bytes'; data: Buffer }
  | { kind: 'stream'; stream: Readable };


/** Checks a body before anything is uploaded: a missing file or a folder fails here, not halfway through a push. */
export async function prepareSource(body: ArtifactBody, artifact: string): Promise<ArtifactSource> {
  if (typeof body === 'string') {
    const info = await stat(body, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
      throw new InvalidInputError(
        error.code === 'ENOENT'
          ? `Artifact "${artifact}": file ${body} does not exist. Check the path (relative paths resolve from ${process.cwd()}).`
          : `Artifact "${artifact}": cannot read ${body} (${error.code ?? error.message}).`,
        { key: artifact, cause: error },
      );
    });
    if (!info.isFile()) {
      throw new InvalidInputError(`Artifact "${artifact}": ${body} is ${info.isDirectory() ? 'a directory' : 'not a regular file'}; pass one file per artifact.`, { key: artifact });
    }
    return { kind: 'file', path: body, size: Number(info.size), identity: identityOf(info) };
  }
  if (body instanceof Readable) return { kind: 'stream', stream: body };
  if (body instanceof Uint8Array) return { kind: 'bytes', data: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  throw new InvalidInputError(`Artifact "${artifact}": body must be a file path, a Buffer, a Uint8Array or a Readable stream.`, { key: artifact });
}

export function openSource(source: ArtifactSource): Readable {
  switch (source.kind) {
    case 'file':
      return readFileStream(source.path);
    case 'bytes':
      return Readable.from([source.data]);
    case 'stream':
      return source.stream;
  }
}

export function readFileStream(path: string): Readable {
  return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
}
