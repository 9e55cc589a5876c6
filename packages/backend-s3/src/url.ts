import { InvalidInputError } from '@modelreg/core/backend';
import { S3Store } from './s3-store.js';

const FORM = 's3://bucket/prefix?endpoint=...&region=...&forcePathStyle=true|false';
const PARAMETERS = ['endpoint', 'region', 'forcePathStyle'] as const;
type Parameter = (typeof PARAMETERS)[number];

/**
 * The store an `s3://bucket/prefix` registry URL names. Query parameters: `endpoint` (else
 * AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL), `region`, and `forcePathStyle` (true when an
 * endpoint is set). Credentials come from the SDK's chain, never from the URL.
 */
export function storeFromUrl(url: string, context: { env: NodeJS.ProcessEnv; baseDir: string }): S3Store {
  if (!/^s3:\/\//i.test(url)) throw new InvalidInputError(`Not an S3 registry URL: expected ${FORM}.`);
  // Tested on the text, never echoed: a secret key with a "/" in it hides the user info from the URL parser.
  if (/^s3:\/\/[^?#]*@/i.test(url)) {
    throw new InvalidInputError(
      'An s3:// registry URL cannot carry credentials (s3://<key>:<secret>@bucket): remove them, and give them to the AWS SDK ' +
        'instead: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, or an instance role.',
    );
  }
  const parsed = parseUrl(url);
  // The URL as messages show it: without its query, which is reported by parameter name.
  const shown = `s3://${parsed.host}${parsed.pathname}`;
  if (parsed.host === '') throw new InvalidInputError(`Registry URL ${shown} names no bucket: expected s3://bucket/prefix.`);
  const params: Partial<Record<Parameter, string>> = {};
  for (const [name, value] of parsed.searchParams) {
    if (!PARAMETERS.includes(name as Parameter)) {
      throw new InvalidInputError(`Unknown parameter "${name}" in registry URL ${shown}; allowed: ${PARAMETERS.join(', ')}.`);
    }
    params[name as Parameter] = value;
  }
  if (params.forcePathStyle !== undefined && !['true', 'false'].includes(params.forcePathStyle)) {
    throw new InvalidInputError(`forcePathStyle in registry URL ${shown} must be true or false.`);
  }
  // Read here rather than left to the SDK, so the store knows the server is not AWS and picks settings it accepts.
  const endpoint = (params.endpoint ?? context.env.AWS_ENDPOINT_URL_S3 ?? context.env.AWS_ENDPOINT_URL) || undefined;
  return new S3Store({
    bucket: parsed.host,
    prefix: parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent).join('/'),
    endpoint,
    region: params.region,
    // S3-compatible servers (MinIO, Ceph) rarely have per-bucket DNS names.
    forcePathStyle: params.forcePathStyle === undefined ? endpoint !== undefined : params.forcePathStyle === 'true',
  }); // credentials: the SDK's chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, SSO, instance role, ...)
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new InvalidInputError(`Invalid S3 registry URL: expected ${FORM}.`); // the parser's error would carry the text
  }
}
