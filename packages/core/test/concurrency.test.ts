import { expect, it } from '@jest/globals';
import { mapBounded } from '../src/util/concurrency.js';
import { AbortedError } from '../src/errors.js';

it('runs at most N tasks at once and keeps the order of results', async () => {
  let running = 0;
  let peak = 0;
  const results = await mapBounded([5, 1, 4, 2, 3], 2, undefined, async (delay) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, delay));
    running--;
    return delay * 10;
  });
  expect(results).toEqual([50, 10, 40, 20, 30]);
  expect(peak).toBe(2);
});

it('aborts the other tasks on the first failure and settles only when all have stopped', async () => {
  const stopped: number[] = [];
  const started: number[] = [];
  const failure = mapBounded([0, 1, 2, 3], 2, undefined, async (item, signal) => {
    started.push(item);
    if (item === 0) throw new Error('first failure');
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    stopped.push(item);
  });
  await expect(failure).rejects.toThrow('first failure');
  expect(started).toEqual([0, 1]); // items 2 and 3 never started
  expect(stopped).toEqual([1]); // the running sibling saw the abort before the call rejected
});

it('rejects, running nothing, when the caller aborted before any task started', async () => {
  const controller = new AbortController();
  controller.abort();
  let started = 0;
  await expect(mapBounded([1, 2, 3], 2, controller.signal, async () => ++started)).rejects.toThrow(AbortedError);
  expect(started).toBe(0);
});
