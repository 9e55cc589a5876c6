// Typed fetches of the server's JSON API (the shapes of the CLI's --json output).
import type { AliasView, Comparison, LineSummary, LineageView, Manifest, StatsView, VersionSummary } from '@modelreg/core';

// The documents are core's views (the CLI's --json shapes), imported as types only: nothing of
// core runs in the browser. On the wire an absent value is null, never undefined.
export type { Artifact, Comparison, LineageEntry, Manifest } from '@modelreg/core';

export interface Paged {
  total: number;
  offset: number;
  limit: number;
}

export interface Api {
  stores: { registry: string; stores: string[] };
  products: { products: string[] };
  lines: Paged & { types: LineSummary[] };
  stats: StatsView;
  versions: Paged & { name: string; versions: VersionSummary[]; aliases: Array<{ alias: string; version: number }>; metricNames: string[] };
  series: { name: string; versions: number[]; metrics: Record<string, Array<number | null>>; aliases: Record<string, number> };
  aliases: { aliases: AliasView[] };
  info: { ref: string; aliases: string[]; manifest: Manifest };
  lineage: LineageView;
  compare: Comparison;
}

export type Params = Record<string, string | number | undefined>;

export async function getJson<K extends keyof Api>(route: K, params: Params = {}): Promise<Api[K]> {
  const query = new URLSearchParams(Object.entries(params).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])));
  const response = await fetch(`/api/${route}?${query}`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  const body = (await response.json()) as Api[K] | { error: { message: string } };
  if (!response.ok) throw new Error('error' in body ? body.error.message : `${route}: HTTP ${response.status}`);
  return body as Api[K];
}

/** A version's address in the API: its line and number. */
export function versionParams(ref: { store: string; product: string; type: string; version: number | string }): Params {
  return { store: ref.store, product: ref.product, type: ref.type, version: ref.version };
}

export function artifactUrl(ref: { store: string; product: string; type: string; version: number }, name: string): string {
  return `/api/artifact?${new URLSearchParams({ store: ref.store, product: ref.product, type: ref.type, version: String(ref.version), name })}`;
}

/**
 * Wraps a fetch so that only the newest call's answer is used: answers can arrive out of order
 * (two quick clicks, a filter typed fast), and an older one must not overwrite a newer one.
 * Superseded calls resolve to undefined.
 */
export function newestOnly<T>(fetch: () => Promise<T>): () => Promise<T | undefined> {
  let latest = 0;
  return async () => {
    const call = ++latest;
    const answer = await fetch();
    return call === latest ? answer : undefined;
  };
}

/** A request sent before the page can use its answer; a failure is shown where the answer is awaited, never as an unhandled rejection meanwhile. */
export function started<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}
