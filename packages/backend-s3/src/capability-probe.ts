import { randomUUID } from 'node:crypto';
import { type ObjectStore, type OperationOptions, PreconditionFailedError } from '@modelreg/core';

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
    const created = await store.put(probe, body('1'), { ifNoneMatch: '*', signal });
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
