import { expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Registry } from '../registry/registry.js';

const LINE = 'race/gc/model';
/** The smallest grace period a registry accepts. */
const SMALLEST_GRACE_MS = 1000;
/** Stores keep whole-second timestamps: an orphan is surely past the grace period this much later. */
const PAST_GRACE_MS = SMALLEST_GRACE_MS + 1500;
const RACE_MS = 3000;

/** A stream that yields `bytes` over about `durationMs`, like an artifact written by a slow trainer. */
function slowStream(bytes: Buffer, durationMs: number): Readable {
  const pieces = 8;
  return Readable.from(
    (async function* () {
      for (let i = 0; i < pieces; i++) {
        await sleep(durationMs / pieces);
        yield bytes.subarray((i * bytes.length) / pieces, ((i + 1) * bytes.length) / pieces);
      }
    })(),
  );
}

/**
 * The gc guarantee (docs/gc.md), on a real backend: a version that push reports as committed never
 * references a missing blob, whatever gc runs beside it, with the smallest allowed grace period.
 */
export function gcRaceTests(registry: () => Registry): void {
  it('keeps the blobs of a push that runs while gc sweeps with the smallest grace period', async () => {
    const small = Buffer.from(`small ${randomBytes(8).toString('hex')}`);
    const pushed = registry().push(LINE, [
      { name: 'small.bin', body: small },
      { name: 'slow.bin', body: slowStream(randomBytes(64 * 1024), 2000) },
    ]);
    await sleep(1200);
    await registry().gc({ dryRun: false, gracePeriodMs: SMALLEST_GRACE_MS });
    const { ref } = await pushed;
    expect(await registry().verify(ref)).toMatchObject({ ok: true, missing: [] });
  });

  it('never commits a version with a missing blob while pushes of new, shared and orphaned content race gc', async () => {
    const shared = Array.from({ length: 6 }, (_, i) => Buffer.from(`shared content ${i} ${randomBytes(8).toString('hex')}`));
    const pick = () => shared[Math.floor(Math.random() * shared.length)]!;
    // Orphans: versions whose blobs become unreferenced, then old enough to collect, then pushed again.
    for (let i = 0; i < 3; i++) await registry().push(LINE, [{ name: 'a', body: shared[i]! }, { name: 'b', body: shared[i + 3]! }]);
    for (const version of await registry().versions(LINE)) await registry().deleteVersion(`${LINE}@${version}`);
    await sleep(PAST_GRACE_MS);

    const committed: string[] = [];
    const deadline = Date.now() + RACE_MS;
    const pusher = async () => {
      while (Date.now() < deadline) {
        const fresh = randomBytes(1024 + Math.floor(Math.random() * 4096));
        const result = await registry().push(LINE, [
          { name: 'shared-1', body: pick() },
          { name: 'shared-2', body: pick() },
          { name: 'fresh', body: Math.random() < 0.5 ? fresh : Readable.from([fresh]) },
        ]);
        // Orphans its blobs now and then, for the next pushes to reuse while gc may collect them.
        if (Math.random() < 0.4) await registry().deleteVersion(result.ref);
        else committed.push(result.ref);
      }
    };
    const collector = async () => {
      let runs = 0;
      while (Date.now() < deadline) {
        await registry().gc({ dryRun: false, gracePeriodMs: SMALLEST_GRACE_MS });
        runs++;
        await sleep(50 + Math.random() * 150);
      }
      return runs;
    };
    const [runs] = await Promise.all([collector(), pusher(), pusher(), pusher()]);
    expect(runs).toBeGreaterThan(1);
    expect(committed.length).toBeGreaterThan(0);
    for (const ref of committed) expect({ ref, report: await registry().verify(ref) }).toMatchObject({ ref, report: { ok: true, missing: [], corrupt: [] } });
  });
}
