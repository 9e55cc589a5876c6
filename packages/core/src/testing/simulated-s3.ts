import { setTimeout as sleep } from 'node:timers/promises';
import type { GetOptions, ListEntry, ListOptions, ObjectStore, OperationOptions, PutBody, PutOptions, StagedWrite } from '../store/object-store.js';

export interface SimulatedS3Options {
  /** Keys per LIST page, as S3's ListObjectsV2 returns them. @default 1000 */
  pageSize?: number;
  /** Latency slept per request (0: none; the simulated time is computed either way). @default 0 */
  sleepMs?: number;
  /** Which part of the registry a key (or listed prefix) belongs to, for `countsByArea`. @default its first path segment */
  areaOf?: (key: string) => string;
}

export type RequestKind = 'put' | 'get' | 'head' | 'listPage' | 'delete' | 'touch';

/**
 * Wraps a store to behave, for counting purposes, like S3: every call is one request, a listing is
 * one request per page of `pageSize` keys (an empty listing is one page), and `delete` is one batch
 * request. Counts requests by kind; optionally sleeps per request. Used by the test suite (counts)
 * and by `pnpm bench:scale` (counts and simulated time).
 */
export class SimulatedS3Store implements ObjectStore {
  readonly counts: Record<RequestKind, number> = { put: 0, get: 0, head: 0, listPage: 0, delete: 0, touch: 0 };
  /** Requests by area of the registry (`models`, `blobs`, `catalog`, `gc`, ... by default): which work costs what. */
  readonly countsByArea = new Map<string, number>();
  readonly #pageSize: number;
  readonly #sleepMs: number;
  readonly #areaOf: (key: string) => string;

  constructor(
    readonly inner: ObjectStore,
    options: SimulatedS3Options = {},
  ) {
    this.#pageSize = options.pageSize ?? 1000;
    this.#sleepMs = options.sleepMs ?? 0;
    this.#areaOf = options.areaOf ?? ((key) => key.split('/', 1)[0]!);
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  get description() {
    return `${this.inner.description} (simulated S3)`;
  }

  get total(): number {
    return Object.values(this.counts).reduce((sum, count) => sum + count, 0);
  }

  reset(): void {
    for (const kind of Object.keys(this.counts) as RequestKind[]) this.counts[kind] = 0;
    this.countsByArea.clear();
  }

  /**
   * Seconds these requests take on a store answering each in `latencyMs`, when a listing's pages
   * come one after another and every other request runs `inFlight` at a time.
   */
  simulatedSeconds(latencyMs: number, inFlight: number): number {
    const others = this.total - this.counts.listPage;
    return ((this.counts.listPage + Math.ceil(others / inFlight)) * latencyMs) / 1000;
  }

  async put(key: string, body: PutBody, options?: PutOptions) {
    await this.#request('put', key);
    return this.inner.put(key, body, options);
  }

  async get(key: string, options?: GetOptions) {
    await this.#request('get', key);
    return this.inner.get(key, options);
  }

  async head(key: string, options?: OperationOptions) {
    await this.#request('head', key);
    return this.inner.head(key, options);
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ListEntry> {
    await this.#request('listPage', prefix);
    let onPage = 0;
    for await (const entry of this.inner.list(prefix, options)) {
      if (onPage === this.#pageSize) {
        await this.#request('listPage', prefix);
        onPage = 0;
      }
      onPage++;
      yield entry;
    }
  }

  async delete(keys: readonly string[], options?: OperationOptions) {
    await this.#request('delete', keys[0] ?? '');
    return this.inner.delete(keys, options);
  }

  async touch(key: string, options?: OperationOptions) {
    await this.#request('touch', key);
    return this.inner.touch(key, options);
  }

  get stage(): ((options?: OperationOptions) => Promise<StagedWrite>) | undefined {
    return this.inner.stage?.bind(this.inner);
  }

  async #request(kind: RequestKind, key: string): Promise<void> {
    this.counts[kind]++;
    const area = this.#areaOf(key);
    this.countsByArea.set(area, (this.countsByArea.get(area) ?? 0) + 1);
    if (this.#sleepMs > 0) await sleep(this.#sleepMs);
  }
}
