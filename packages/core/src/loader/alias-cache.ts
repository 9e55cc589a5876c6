import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import * as z from 'zod/mini';
import { lazySchema } from '../util/lazy-schema.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import type { ModelName } from '../format/keys.js';
import { type VersionSelector, formatRef } from '../format/refs.js';
import type { CacheLayout } from './cache-layout.js';

type MovingSelector = Exclude<VersionSelector, { kind: 'version' }>;

const resolutionSchema = lazySchema(() =>
  z.strictObject({
    version: z.int().check(z.positive()),
    /** Epoch milliseconds of the store answer. */
    resolvedAt: z.number(),
  }),
);

export type Resolution = z.infer<typeof resolutionSchema>;

/**
 * What `@alias` and `@latest` resolved to, and when: in memory, and on disk so that another
 * process (the next function instance on the host) starts with it too. Within the TTL an entry is
 * used without asking the store; after it, only when the store cannot be reached (stale-if-error).
 */
export class AliasCache {
  private readonly memory = new Map<string, Resolution>();

  constructor(
    private readonly layout: CacheLayout,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async get(name: ModelName, selector: MovingSelector): Promise<Resolution | undefined> {
    const key = formatRef({ ...name, selector });
    const remembered = this.memory.get(key);
    if (remembered && this.isFresh(remembered)) return remembered;
    const onDisk = await this.read(this.layout.resolution(name, selector));
    // Another process may have refreshed the entry since this one last did.
    const newest = [remembered, onDisk].filter((entry) => entry !== undefined).sort((a, b) => b.resolvedAt - a.resolvedAt)[0];
    if (newest) this.memory.set(key, newest);
    return newest;
  }

  isFresh(resolution: Resolution): boolean {
    return this.now() - resolution.resolvedAt < this.ttlMs;
  }

  async set(name: ModelName, selector: MovingSelector, version: number): Promise<void> {
    const resolution = { version, resolvedAt: this.now() };
    this.memory.set(formatRef({ ...name, selector }), resolution);
    await writeFileAtomic(this.layout.resolution(name, selector), Readable.from([JSON.stringify(resolution)]), { durable: false, tempDir: this.layout.tmp });
  }

  private async read(path: string): Promise<Resolution | undefined> {
    try {
      const parsed = resolutionSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined; // none yet, or torn by hand: the store is asked
    }
  }
}
