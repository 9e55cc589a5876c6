import { defaultMaxListeners, setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { throwIfAborted } from '../errors.js';

/**
 * Runs `work` over `items` with at most `concurrency` at once. The first failure aborts the signal
 * handed to the others, and the call settles only when every started task has: nothing keeps
 * running (or writing temp files) after it rejects. Rejects with that first failure.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  work: (item: T, signal: AbortSignal, index: number) => Promise<R>,
): Promise<R[]> {
  const failed = new AbortController();
  const combined = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  // Each running task, and each stream it opened until that stream has closed (closes lag behind the
  // last byte), listens on this signal: more than Node's default warning limit of 10, yet bounded.
  setMaxListeners(16 * concurrency + defaultMaxListeners, combined);
  const limit = pLimit(concurrency);
  let firstError: { error: unknown } | undefined;
  const results = await Promise.allSettled(
    items.map((item, index) =>
      limit(async () => {
        try {
          throwIfAborted(combined);
          return await work(item, combined, index);
        } catch (error) {
          // Abort before this slot frees up, so no queued task starts after a failure.
          if (!firstError) {
            firstError = { error };
            failed.abort(error);
          }
          throw error;
        }
      }),
    ),
  );
  if (firstError) throw firstError.error;
  return results.map((result) => (result as PromiseFulfilledResult<R>).value);
}
