// Helpers the S3 benchmarks share: a random model file, a request counter on an S3 client, the
// benchmark bucket, removal of everything under a prefix, and a benchmark's cleanup.
import { randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { open, rm } from 'node:fs/promises';

// The SDK is a dependency of the S3 backend, not of the workspace root.
const { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command } = createRequire(new URL('../../packages/backend-s3/package.json', import.meta.url))('@aws-sdk/client-s3');

const MIB = 1024 * 1024;

/** A file of random bytes, written a chunk at a time. */
export async function randomFile(path, bytes) {
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(8 * MIB);
  try {
    for (let written = 0; written < bytes; written += chunk.length) {
      randomFillSync(chunk);
      await file.write(chunk, 0, Math.min(chunk.length, bytes - written));
    }
  } finally {
    await file.close();
  }
}

/** Counts the commands a client sends and the body bytes of its requests; `take()` returns the counts so far and starts again. */
export function countRequests(client) {
  const counter = { requests: 0, bytes: 0, byCommand: {} };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counter.requests += 1;
      counter.byCommand[context.commandName] = (counter.byCommand[context.commandName] ?? 0) + 1;
      counter.bytes += Number(args.request?.headers?.['content-length'] ?? 0);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'benchRequestCounter' },
  );
  return {
    take() {
      const snapshot = { ...counter, byCommand: { ...counter.byCommand } };
      Object.assign(counter, { requests: 0, bytes: 0, byCommand: {} });
      return snapshot;
    },
  };
}

/** `PutObject 3, HeadObject 1` */
export const formatCommands = (byCommand) => Object.entries(byCommand).map(([command, count]) => `${command.replace(/Command$/, '')} ${count}`).join(', ');

export async function deleteAll(client, bucket, prefix) {
  let token;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key }));
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** A benchmark's cleanup: its temp folder, its objects under `prefix`, then the servers it started (also when the deletes fail). */
export async function cleanUpBench({ work, client, bucket, prefix, servers }) {
  await rm(work, { recursive: true, force: true });
  try {
    await deleteAll(client, bucket, prefix);
  } finally {
    await servers.stop();
  }
}

/** Creates the bucket unless it exists already (a benchmark run earlier on the same server). */
export async function ensureBucket(client, bucket) {
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
}
