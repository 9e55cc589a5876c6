import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type ListEntry, type ListOptions } from '@modelreg/core/backend';
import { compareKeys } from '@modelreg/core/backend';
import { type S3Context, call } from './context.js';
import { normalizeEtag } from './etag.js';

/**
 * Every object (and, with a delimiter, every common prefix) under `prefix`, in byte order, one
 * ListObjectsV2 page at a time. `strip` is removed from the front of every key and prefix yielded.
 */
export async function* listObjects(context: S3Context, prefix: string, strip: string, options: ListOptions): AsyncGenerator<ListEntry> {
  let continuationToken: string | undefined;
  do {
    const page = await call(context, 'ListObjectsV2', { key: prefix, signal: options.signal }, (abortSignal) =>
      context.client.send(
        new ListObjectsV2Command({ Bucket: context.bucket, Prefix: prefix, Delimiter: options.delimiter, ContinuationToken: continuationToken }),
        { abortSignal },
      ),
    );
    const entries: ListEntry[] = [];
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      entries.push({
        type: 'object',
        key: object.Key.slice(strip.length),
        size: object.Size ?? 0,
        etag: normalizeEtag(object.ETag),
        lastModified: object.LastModified ?? new Date(0),
      });
    }
    for (const common of page.CommonPrefixes ?? []) {
      if (common.Prefix !== undefined) entries.push({ type: 'prefix', prefix: common.Prefix.slice(strip.length) });
    }
    // A page lists objects and common prefixes separately, each sorted: merge them.
    entries.sort((a, b) => compareKeys(a.type === 'object' ? a.key : a.prefix, b.type === 'object' ? b.key : b.prefix));
    yield* entries;
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
}
