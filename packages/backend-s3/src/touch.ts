import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, type CompletedPart, CreateMultipartUploadCommand, type HeadObjectCommandOutput, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { OperationOptions } from '@modelreg/core/backend';
import { type S3Context, call } from './context.js';
import { requireObject } from './head.js';
import { MAX_SINGLE_PUT_BYTES } from './options.js';

const MAX_PARTS = 10_000;
const COPY_PART_BYTES = 512 * 1024 * 1024;

/**
 * Refreshes LastModified by copying the object onto itself server-side: no bytes pass through the
 * client. S3 only allows a self-copy that replaces metadata, so the current content type and user
 * metadata are read first and written back. CopyObject stops at 5 GiB; larger objects are copied
 * as a multipart upload of UploadPartCopy ranges.
 */
export async function touchObject(context: S3Context, key: string, options: OperationOptions, maxCopyBytes = MAX_SINGLE_PUT_BYTES): Promise<void> {
  const head = await requireObject(context, key, options.signal);
  const size = head.ContentLength ?? 0;
  if (size <= maxCopyBytes) {
    await call(context, 'CopyObject', { key, signal: options.signal }, (abortSignal) =>
      context.client.send(
        new CopyObjectCommand({
          Bucket: context.bucket,
          Key: key,
          CopySource: copySource(context.bucket, key),
          CopySourceIfMatch: head.ETag,
          MetadataDirective: 'REPLACE',
          ContentType: head.ContentType,
          Metadata: head.Metadata,
        }),
        { abortSignal },
      ),
    );
    return;
  }
  await copyInParts(context, key, head, size, Math.min(maxCopyBytes, Math.max(COPY_PART_BYTES, Math.ceil(size / MAX_PARTS))), options);
}

async function copyInParts(context: S3Context, key: string, head: HeadObjectCommandOutput, size: number, partBytes: number, options: OperationOptions): Promise<void> {
  const target = { Bucket: context.bucket, Key: key };
  const { UploadId } = await call(context, 'CreateMultipartUpload', { key, signal: options.signal }, (abortSignal) =>
    context.client.send(new CreateMultipartUploadCommand({ ...target, ContentType: head.ContentType, Metadata: head.Metadata }), { abortSignal }),
  );
  try {
    const parts: CompletedPart[] = [];
    for (let offset = 0, partNumber = 1; offset < size; offset += partBytes, partNumber++) {
      const end = Math.min(offset + partBytes, size) - 1;
      const part = await call(context, 'UploadPartCopy', { key, signal: options.signal }, (abortSignal) =>
        context.client.send(
          new UploadPartCopyCommand({
            ...target,
            UploadId,
            PartNumber: partNumber,
            CopySource: copySource(context.bucket, key),
            CopySourceIfMatch: head.ETag,
            CopySourceRange: `bytes=${offset}-${end}`,
          }),
          { abortSignal },
        ),
      );
      parts.push({ PartNumber: partNumber, ETag: part.CopyPartResult?.ETag });
    }
    await call(context, 'CompleteMultipartUpload', { key, signal: options.signal }, (abortSignal) =>
      context.client.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: parts } }), { abortSignal }),
    );
  } catch (error) {
    // Not with the caller's signal: the cleanup must run even when the copy was aborted.
    await context.client.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => {});
    throw error;
  }
}

/** `bucket/key` with each key segment URL-encoded, as the x-amz-copy-source header wants. */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
