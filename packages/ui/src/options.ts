import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Registry } from '@modelreg/core';
import { parseOptions } from '@modelreg/core/backend';
import { z } from 'zod';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** `127.0.0.0/8`, `::1` and `localhost`: only this machine can connect. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
}

/** At least 128 bits of secret, whether generated or given. */
const MIN_TOKEN_LENGTH = 22;

const uiOptionsSchema = z.strictObject({
  registry: z.custom<Registry>((value) => typeof value === 'object' && value !== null, 'must be a Registry'),
  /** Address to listen on. Anything but loopback requires the access token. @default '127.0.0.1' */
  host: z.string().min(1).default('127.0.0.1'),
  /** Port to listen on; 0 picks a free one. @default 7420 */
  port: z.number().int().min(0).max(65535).default(7420),
  /** Access token for non-loopback binds. @default generated (24 random bytes) when the host is not loopback */
  token: z.string().min(MIN_TOKEN_LENGTH, `must be at least ${MIN_TOKEN_LENGTH} characters`).regex(/^[A-Za-z0-9._~-]+$/, 'must be URL-safe: letters, digits, . _ ~ -').optional(),
  /** Model manifests kept in memory (a version's manifest never changes). @default 20000 */
  manifestCacheSize: z.number().int().min(1).default(20_000),
});

export type UiServerOptions = z.input<typeof uiOptionsSchema>;

export interface ResolvedUiOptions extends Omit<z.output<typeof uiOptionsSchema>, 'token'> {
  /** Undefined exactly when the server listens on loopback only. */
  token: string | undefined;
}

export function resolveUiOptions(input: UiServerOptions): ResolvedUiOptions {
  const options = parseOptions(uiOptionsSchema, input, 'web view options');
  const token = isLoopback(options.host) ? undefined : (options.token ?? randomBytes(24).toString('base64url'));
  return { ...options, token };
}
