import type { TokenCredential } from '@azure/core-auth';
import { ContainerClient } from '@azure/storage-blob';
import { lazySchema, parseOptions, prefixSchema, z } from '@modelreg/core/backend';

const MiB = 1024 * 1024;

/** Azure's limit on the blocks of one block blob. */
export const MAX_BLOCKS_PER_BLOB = 50_000;

interface AzureBlobStoreTuning {
  /** Key prefix inside the container under which every key is stored, e.g. `team-a/prod`. @default '' */
  prefix?: string | undefined;
  /**
   * Bytes per staged block of a streamed upload, and the largest body sent in a single request.
   * A body of known `size` gets larger blocks when it would need more than 50,000 of this size.
   * @default 8388608 (8 MiB)
   */
  blockSize?: number | undefined;
  /**
   * Requests in flight at once: blocks staged per upload, deletes when batching is off.
   * One upload holds at most `(concurrency + 1) x blockSize` bytes in memory.
   * @default 4
   */
  concurrency?: number | undefined;
  /** Delete up to 256 keys per request with Blob Batch; turn off for services without it. @default true */
  batchDelete?: boolean | undefined;
  /** Blobs and prefixes asked for per listing request; the service caps it at 5,000. @default 5000 */
  listPageSize?: number | undefined;
}

interface ConnectionStringAuth {
  /** Container that holds the objects; it must exist. */
  container: string;
  /** A storage connection string (account key or SAS), e.g. from the portal's "Access keys" page. */
  connectionString: string;
}

interface SharedKeyAuth {
  /** Container that holds the objects; it must exist. */
  container: string;
  /** Storage account name. */
  account: string;
  /** Base64 account key. */
  accountKey: string;
  /** Blob service URL, e.g. `http://127.0.0.1:10000/devstoreaccount1` for Azurite. @default `https://<account>.blob.core.windows.net` */
  endpoint?: string | undefined;
}

interface SasUrlAuth {
  /**
   * A container URL carrying a SAS token, e.g. `https://acct.blob.core.windows.net/models?sv=...&sig=...`.
   * For an account-level SAS, use a connection string with `SharedAccessSignature=...`.
   */
  sasUrl: string;
}

type TokenAuth = {
  /** Container that holds the objects; it must exist. */
  container: string;
  /**
   * A Microsoft Entra `TokenCredential`, or `'default'` for `DefaultAzureCredential`, loaded on
   * first use from the optional peer dependency `@azure/identity`. Needs an https endpoint.
   */
  credential: TokenCredential | 'default';
} & ({ account: string; endpoint?: string | undefined } | { endpoint: string; account?: string | undefined });

interface ContainerClientAuth {
  /** An existing client, used as is (its credential, pipeline and retry settings). */
  containerClient: ContainerClient;
}

type AuthField = 'container' | 'connectionString' | 'account' | 'accountKey' | 'endpoint' | 'sasUrl' | 'credential' | 'containerClient';
/** Forbids the fields of every other way to authenticate, so two cannot be mixed. */
type Only<T> = T & { [K in Exclude<AuthField, keyof T>]?: never };

export type AzureBlobStoreOptions = AzureBlobStoreTuning &
  (Only<ConnectionStringAuth> | Only<SharedKeyAuth> | Only<SasUrlAuth> | Only<TokenAuth> | Only<ContainerClientAuth>);

const AUTH_METHODS = {
  connectionString: ['connectionString'],
  'account + accountKey': ['accountKey'],
  sasUrl: ['sasUrl'],
  credential: ['credential'],
  containerClient: ['containerClient'],
} as const;

// https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$|^\$root$|^\$web$/;
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const isTokenCredential = (value: unknown) => typeof (value as TokenCredential | null)?.getToken === 'function';
const isContainerClient = (value: unknown) =>
  typeof (value as ContainerClient | null)?.getBlockBlobClient === 'function' && typeof (value as ContainerClient).containerName === 'string';

const optionsSchema = lazySchema(() =>
  z
    .strictObject({
      container: z.optional(
        z.string().check(z.regex(CONTAINER_NAME, '3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit')),
      ),
      prefix: prefixSchema,
      blockSize: z._default(z.int().check(z.minimum(64 * 1024), z.maximum(4000 * MiB)), 8 * MiB),
      concurrency: z._default(z.int().check(z.minimum(1), z.maximum(64)), 4),
      batchDelete: z._default(z.boolean(), true),
      listPageSize: z._default(z.int().check(z.minimum(1), z.maximum(5000)), 5000),
      connectionString: z.optional(z.string().check(z.minLength(1))),
      account: z.optional(z.string().check(z.regex(ACCOUNT_NAME, '3-24 lowercase letters and digits'))),
      accountKey: z.optional(z.string().check(z.regex(BASE64, 'must be the base64 account key'))),
      endpoint: z.optional(z.url({ protocol: /^https?$/ })),
      sasUrl: z.optional(
        z.url({ protocol: /^https?$/ }).check(
          z.refine((url) => new URL(url).searchParams.has('sig'), 'must carry a SAS token (a query with sig=...)'),
          z.refine((url) => CONTAINER_NAME.test(containerInUrl(url) ?? ''), 'must be a container URL such as https://<account>.blob.core.windows.net/<container>?sv=...&sig=...'),
        ),
      ),
      credential: z.optional(z.union([z.literal('default'), z.custom<TokenCredential>(isTokenCredential)], { error: "must be a TokenCredential or 'default'" })),
      containerClient: z.optional(z.custom<ContainerClient>(isContainerClient, { error: 'must be a ContainerClient from @azure/storage-blob' })),
    })
    .check(z.superRefine((options, ctx) => {
      const methods = Object.entries(AUTH_METHODS).filter(([, fields]) => fields.some((field) => options[field] !== undefined)).map(([method]) => method);
      if (methods.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: `pass exactly one way to reach the container: ${Object.keys(AUTH_METHODS).join(', ')}; got ${methods.join(' and ') || 'none'}`,
        });
        return;
      }
      const require = (field: keyof typeof options, why: string) => {
        if (options[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required ${why}` });
      };
      const forbid = (field: keyof typeof options, why: string) => {
        if (options[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `not allowed ${why}` });
      };
      const method = methods[0];
      if (method === 'containerClient' || method === 'sasUrl') forbid('container', `with ${method}, which already names its container`);
      else require('container', `with ${method}`);
      if (method !== 'account + accountKey' && method !== 'credential') forbid('account', `with ${method}`);
      if (method === 'account + accountKey') require('account', 'with accountKey');
      if (method === 'credential' && options.account === undefined) require('endpoint', 'with credential when account is not given');
      if (!['account + accountKey', 'credential'].includes(method!)) forbid('endpoint', `with ${method}, which carries its own URL`);
    })),
);

/** The container a URL names, parsed as the SDK does (path-style hosts such as Azurite put the account first). */
function containerInUrl(url: string): string | undefined {
  try {
    return new ContainerClient(url).containerName;
  } catch {
    return undefined;
  }
}

export type ParsedAzureBlobStoreOptions = z.output<typeof optionsSchema>;

/** Validates options up front; the error names each offending field. */
export function parseAzureBlobStoreOptions(options: AzureBlobStoreOptions): ParsedAzureBlobStoreOptions {
  return parseOptions(optionsSchema, options, 'AzureBlobStore options');
}
