import type { ServerResponse } from 'node:http';
import { formatViewJson, isModelregError, redactSecrets } from '@modelreg/core';

/** A request the server refuses before asking the registry (bad parameter, wrong method). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const STATUS_BY_CODE: Record<string, number> = { NOT_FOUND: 404, INVALID_INPUT: 400, ACCESS_DENIED: 502, INVALID_MANIFEST: 502, INTEGRITY: 502 };

/** The HTTP status and the JSON body for a failure; messages pass through the same credential masking as the CLI's. */
export function describeFailure(error: unknown): { status: number; body: { error: { code: string; message: string } } } {
  if (error instanceof HttpError) return { status: error.status, body: { error: { code: `HTTP_${error.status}`, message: error.message } } };
  const code = isModelregError(error) ? error.code : 'INTERNAL';
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  return { status: STATUS_BY_CODE[code] ?? 500, body: { error: { code, message } } };
}

export function sendFailure(response: ServerResponse, error: unknown): void {
  const { status, body } = describeFailure(error);
  if (error instanceof HttpError) for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
  sendJson(response, status, body);
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = formatViewJson(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  response.end(body);
}
