import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { lazySchema, parseOptions, prefixSchema, z } from '@modelreg/core/backend';

const MIB = 1024 * 1024;
/** S3's smallest part (except the last one). */
export const MIN_PART_SIZE = 5 * MIB;
/** S3's largest single PUT and largest part. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 * MIB;

/**
 * How the SDK checksums request and response bodies. `'when_supported'` (the SDK's default)
 * sends CRC32 trailers on every upload; many S3-compatible servers (Ceph RGW, older MinIO, s3rver)
 * reject or mangle those, and need `'when_required'`.
 */
export type ChecksumMode = 'when_required' | 'when_supported';

interface S3StoreCommonOptions {
  /** The bucket that holds the objects. It must already exist. */
  bucket: string;
  /** Key prefix for every object, e.g. `team-a/models`; segments of `[A-Za-z0-9._-]`. @default '' */
  prefix?: string | undefined;
  /**
   * Bytes per multipart part; bodies of known size up to this go in one PutObject. Raised
   * automatically for bodies of known size that would need more than 10,000 parts; a stream of
   * unknown length can be at most 10,000 x partSize bytes. Minimum 5 MiB (an S3 limit).
   * @default 8388608 (8 MiB)
   */
  partSize?: number | undefined;
  /**
   * Parts uploaded at once for one object. Memory held per upload is at most queueSize x partSize
   * (32 MiB with the defaults).
   * @default 4
   */
  queueSize?: number | undefined;
  /**
   * @deprecated Removed: a get is one streamed GetObject. Large blobs are downloaded as parallel
   * ranged GETs by the registry and the loader: set `rangeConcurrency`, `rangeBytes` and
   * `rangeThresholdBytes` in the registry config or the loader options.
   */
  downloadConcurrency?: never;
}

/** Connect with settings; the store builds its own `S3Client`. */
export interface S3StoreConnectionOptions extends S3StoreCommonOptions {
  /** AWS region. @default the SDK's own resolution (AWS_REGION, ~/.aws/config); `'us-east-1'` when `endpoint` is set and AWS_REGION is not */
  region?: string | undefined;
  /** Service URL of an S3-compatible server, e.g. `http://127.0.0.1:9000` for MinIO. @default AWS S3 */
  endpoint?: string | undefined;
  /** Address buckets as `endpoint/bucket` instead of `bucket.endpoint`; MinIO and Ceph usually need it. @default false */
  forcePathStyle?: boolean | undefined;
  /** Static keys or a credentials provider. @default the SDK's provider chain (environment, profile, SSO, instance role, ...) */
  credentials?: S3ClientConfig['credentials'] | undefined;
  /**
   * See {@link ChecksumMode}: maps to the SDK's `requestChecksumCalculation` and `responseChecksumValidation`.
   * Content is verified against its sha256 on every read either way.
   * @default 'when_supported' on AWS; 'when_required' when `endpoint` is set
   */
  checksums?: ChecksumMode | undefined;
  client?: never;
}

/** Use an `S3Client` you configured yourself (its region, endpoint, credentials and checksums apply as they are). */
export interface S3StoreClientOptions extends S3StoreCommonOptions {
  client: S3Client;
  region?: never;
  endpoint?: never;
  forcePathStyle?: never;
  credentials?: never;
  checksums?: never;
}

export type S3StoreOptions = S3StoreConnectionOptions | S3StoreClientOptions;

type Credentials = NonNullable<S3ClientConfig['credentials']>;

function isCredentials(value: unknown): value is Credentials {
  if (typeof value === 'function') return true;
  const keys = value as { accessKeyId?: unknown; secretAccessKey?: unknown } | null;
  return typeof keys === 'object' && keys !== null && typeof keys.accessKeyId === 'string' && keys.accessKeyId !== '' &&
    typeof keys.secretAccessKey === 'string' && keys.secretAccessKey !== '';
}

/** An option that no longer exists: accepted only when absent, and refused with what replaced it. */
function removed(message: string) {
  return z.optional(z.undefined({ error: message }));
}

const CONNECTION_FIELDS = ['region', 'endpoint', 'forcePathStyle', 'credentials', 'checksums'] as const;

const bucketLength = 'must be a bucket name of 3 to 63 characters';

const optionsSchema = lazySchema(() =>
  z
    .strictObject({
      bucket: z.string().check(z.minLength(3, bucketLength), z.maxLength(63, bucketLength)),
      prefix: prefixSchema,
      partSize: z._default(
        z.int().check(z.minimum(MIN_PART_SIZE, `must be at least ${MIN_PART_SIZE} bytes (5 MiB, an S3 limit)`), z.maximum(MAX_SINGLE_PUT_BYTES)),
        8 * MIB,
      ),
      queueSize: z._default(z.int().check(z.minimum(1), z.maximum(64)), 4),
      downloadConcurrency: removed(
        'was removed: the registry and the loader download large blobs as parallel ranged GETs; set rangeConcurrency (and rangeBytes, rangeThresholdBytes) in the registry config or the loader options instead',
      ),
      region: z.optional(z.string().check(z.minLength(1))),
      endpoint: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
      forcePathStyle: z.optional(z.boolean()),
      credentials: z.optional(
        z.custom<Credentials>(isCredentials, { message: 'must be { accessKeyId, secretAccessKey, sessionToken? } or a credentials provider function' }),
      ),
      checksums: z.optional(z.enum(['when_required', 'when_supported'])),
      client: z.optional(z.instanceof(S3Client, { message: 'must be an S3Client from @aws-sdk/client-s3' })),
    })
    .check(
      z.superRefine((options, ctx) => {
        if (options.client === undefined) return;
        for (const field of CONNECTION_FIELDS) {
          if (options[field] !== undefined) {
            ctx.addIssue({ code: 'custom', path: [field], message: 'cannot be combined with client: configure the S3Client instead' });
          }
        }
      }),
    ),
);

export type ResolvedS3StoreOptions = z.output<typeof optionsSchema>;

/** Validates options up front; the error names each offending field. */
export function parseS3StoreOptions(options: S3StoreOptions): ResolvedS3StoreOptions {
  return parseOptions(optionsSchema, options, 'S3Store options');
}
