import { randomUUID } from 'node:crypto';
import { type ObjectStore, type OperationOptions, PreconditionFailedError, UnsafeStoreError } from '@modelreg/core/backend';

/** Where probe objects are written, under the store's prefix; both are deleted afterwards. */
export const PROBE_FOLDER = '.modelreg-probe/';

/**
 * Checks that the server really enforces conditional writes, as the registry's version allocation
 * and alias compare-and-swap need. Some S3-compatible servers accept the headers and ignore them
 * (s3rver overwrites; MinIO was reported to accept IfMatch on a missing key). Returns false when a
 * write that must lose was accepted; throws when the server cannot be asked at all.
 */
export async function probeConditionalWrites(store: Pick<ObjectStore, 'put' | 'delete'>, options: OperationOptions = {}): Promise<boolean> {
  const id = randomUUID();
  const probe = `${PROBE_FOLDER}${id}`;
  const missing = `${PROBE_FOLDER}${id}-missing`;
  const body = (text: string) => Buffer.from(text);
  const { signal } = options;
  try {
    const created = await createProbe(() => store.put(probe, body('1'), { ifNoneMatch: '*', signal }));
    const mustFail = [
      () => store.put(probe, body('2'), { ifNoneMatch: '*', signal }),
      () => store.put(probe, body('3'), { ifMatch: staleEtag(created.etag), signal }),
      () => store.put(missing, body('4'), { ifMatch: created.etag, signal }),
    ];
    for (const write of mustFail) {
      if (!(await losesCondition(write))) return false;
    }
    // The etag the store hands out must be the form the server compares (Ceph RGW: unquoted),
    // or no compare-and-swap could ever succeed.
    return !(await losesCondition(() => store.put(probe, body('5'), { ifMatch: created.etag, signal })));
  } finally {
    await store.delete([probe, missing]);
  }
}

/**
 * The probe's first write, create-if-absent on a fresh key, must succeed: a server that refuses it
 * (MinIO RELEASE.2025-09-06T17-38-46Z refuses every conditional write on a missing key) can never
 * create a version, whatever the registry allows.
 */
async function createProbe<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    throw new UnsafeStoreError(
      'The server refused a create-if-absent write (If-None-Match: *) on a key that does not exist, so no version could ever be created. ' +
        'MinIO RELEASE.2025-09-06T17-38-46Z does this; use RELEASE.2025-09-07T16-13-09Z or later.',
      { key: error.key, cause: error },
    );
  }
}

/**
 * An etag of the same length that differs in every character. (Ceph RGW compares IfMatch only up
 * to the stored etag's length, so a stale etag with a suffix appended would wrongly match.)
 */
function staleEtag(etag: string): string {
  return etag.replace(/./g, (character) => (character === '0' ? '1' : '0'));
}

async function losesCondition(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return false;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return true;
    throw error;
  }
}
