import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ResolvedS3StoreOptions } from './options.js';

/**
 * The SDK warns on every process start under Node 20 that its releases after early 2027 will need
 * Node 22. modelreg supports Node 20, and a CLI must not print that on every call, so the warning
 * is switched off unless the user has set the SDK's own variable either way.
 */
function silenceNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

const ignore = () => {};
/**
 * The SDK's default logger drops everything, except that a failed streaming upload is reported on
 * `console.warn` ("An error was encountered in a non-retryable streaming request."). modelreg
 * throws a typed error for that failure, so the line is only noise in the caller's (or the CLI's)
 * output; this logger drops it too.
 */
const silentLogger: NonNullable<S3ClientConfig['logger']> = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

/** The caller's client as it is, or a new one built from the connection options. */
export function createS3Client(options: ResolvedS3StoreOptions): S3Client {
  if (options.client) return options.client;
  silenceNodeVersionWarning();
  const checksums = options.checksums ?? (options.endpoint === undefined ? 'when_supported' : 'when_required');
  const mode = checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  return new S3Client({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.region === undefined && options.endpoint !== undefined && !process.env.AWS_REGION ? { region: 'us-east-1' } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    logger: silentLogger,
    requestChecksumCalculation: mode,
    responseChecksumValidation: mode,
  });
}
