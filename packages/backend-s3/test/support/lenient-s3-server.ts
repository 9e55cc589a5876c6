import { createHash } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which conditional-write headers the server obeys. */
export type ConditionHandling =
  /** Both ignored: every write overwrites (s3rver does this). */
  | 'ignored'
  /** If-None-Match and If-Match on existing keys obeyed, If-Match on a missing key creates it (as reported for MinIO). */
  | 'if-match-creates-missing'
  /** Every conditional write on a missing key refused, create-if-absent included (MinIO RELEASE.2025-09-06T17-38-46Z). */
  | 'refused-on-missing'
  /** Obeyed, as S3 does. */
  | 'enforced';

export interface LenientS3ServerOptions {
  conditions: ConditionHandling;
  /** Keys DeleteObjects reports as not deleted, with the error code to report. */
  refuseDeletes?: Record<string, string>;
}

export interface LenientS3Server {
  endpoint: string;
  /** What is stored, by key (bucket left out). */
  objects: Map<string, Buffer>;
  close(): Promise<void>;
}

/**
 * A tiny S3 imitation on 127.0.0.1 with just PutObject and DeleteObjects, for behaviour no real
 * server can be made to show on demand: ignored conditions, per-key delete failures.
 */
export async function startLenientS3Server(options: LenientS3ServerOptions): Promise<LenientS3Server> {
  const objects = new Map<string, Buffer>();
  const etagOf = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = Buffer.concat(await request.toArray());
    const key = decodeURIComponent(url.pathname.split('/').slice(2).join('/'));
    if (request.method === 'PUT' && key !== '') {
      const current = objects.get(key);
      const ifNoneMatch = request.headers['if-none-match'];
      const ifMatch = request.headers['if-match']?.replace(/"/g, '');
      const obeyed = options.conditions !== 'ignored';
      const lost =
        obeyed &&
        ((ifNoneMatch === '*' && current !== undefined) ||
          (ifMatch !== undefined && current !== undefined && etagOf(current) !== ifMatch) ||
          (ifMatch !== undefined && current === undefined && options.conditions !== 'if-match-creates-missing') ||
          (ifNoneMatch === '*' && current === undefined && options.conditions === 'refused-on-missing'));
      if (lost) return reply(response, 412, '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
      objects.set(key, body);
      response.setHeader('ETag', `"${etagOf(body)}"`);
      return reply(response, 200, '');
    }
    if (request.method === 'POST' && url.searchParams.has('delete')) {
      const keys = [...body.toString().matchAll(/<Key>(.*?)<\/Key>/g)].map((match) => unescapeXml(match[1]!));
      const errors = keys.flatMap((requested) => {
        const code = options.refuseDeletes?.[requested];
        if (code === undefined) {
          objects.delete(requested);
          return [];
        }
        return [`<Error><Key>${escapeXml(requested)}</Key><Code>${code}</Code><Message>${code}</Message></Error>`];
      });
      return reply(response, 200, `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${errors.join('')}</DeleteResult>`);
    }
    reply(response, 501, '<Error><Code>NotImplemented</Code><Message>Not implemented by the test server</Message></Error>');
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => reply(response, 500, `<Error><Code>InternalError</Code><Message>${escapeXml(error.message)}</Message></Error>`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function reply(response: ServerResponse, status: number, xml: string): void {
  response.statusCode = status;
  if (xml !== '') response.setHeader('Content-Type', 'application/xml');
  response.end(xml === '' ? '' : `<?xml version="1.0" encoding="UTF-8"?>${xml}`);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
