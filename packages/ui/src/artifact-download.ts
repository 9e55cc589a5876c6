import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { formatRef } from '@modelreg/core';
import { z } from 'zod';
import { HoldLastChunk } from './hold-last-chunk.js';
import { HttpError } from './http-error.js';
import { parseQuery, versionSchema } from './query.js';
import type { ApiContext } from './api-routes.js';

export const DOWNLOAD_PATH = '/api/artifact';

/**
 * Streams one artifact through the registry's verified read (`openArtifact`, as `pull` reads):
 * the bytes are hashed as they pass, and on a mismatch the connection is cut before the last chunk
 * (see `HoldLastChunk`), so a browser marks the download failed instead of keeping a corrupt file. Always served as an
 * attachment of type octet-stream: a manifest's media type never decides how a browser renders bytes.
 */
export async function downloadArtifact(request: IncomingMessage, response: ServerResponse, params: URLSearchParams, context: ApiContext): Promise<void> {
  const { name, ...query } = parseQuery(z.object({ ...versionSchema, name: z.string().min(1) }), params);
  const resolved = await context.registry.resolve(query, { signal: context.signal });
  const manifest = await context.manifests.read(resolved, context.signal);
  const artifact = manifest.artifacts.find((candidate) => candidate.name === name);
  if (!artifact) throw new HttpError(404, `${formatRef(manifest)} has no artifact ${JSON.stringify(name)}.`);
  // Opened before the headers go out, so a missing blob still gets an error status of its own.
  const body = request.method === 'HEAD' ? undefined : await context.registry.openArtifact(manifest, artifact.name, { signal: context.signal });
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': artifact.size,
    'content-disposition': contentDisposition(artifact.name),
    'cache-control': 'no-store',
    'x-modelreg-digest': artifact.digest,
  });
  if (!body) {
    response.end();
    return;
  }
  // The browser starts its download (and shows the size) now, even while the first chunk is held back.
  response.flushHeaders();
  // pipeline destroys the response on a read or integrity error: the client sees a cut transfer.
  await pipeline(body, new HoldLastChunk(), response);
}

/** `attachment` with the artifact's last path segment; the ASCII fallback and the RFC 8187 form for any other characters. */
function contentDisposition(artifactName: string): string {
  const base = artifactName.split('/').pop()!;
  return `attachment; filename="${base.replace(/[^A-Za-z0-9._-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(base)}`;
}
