// Typed fetches of the server's JSON API (the shapes of the CLI's --json output).

export interface VersionSummary {
  ref: string;
  store: string;
  product: string;
  type: string;
  version: number;
  createdAt: string;
  description: string;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  artifacts: number;
  size: number;
  aliases: string[];
}

export interface LineSummary {
  name: string;
  store: string;
  product: string;
  type: string;
  versions: number;
  latest: number | null;
  aliases: Record<string, number>;
}

export interface Paged {
  total: number;
  offset: number;
  limit: number;
}

export interface Artifact {
  name: string;
  kind: string;
  digest: string;
  size: number;
  mediaType: string;
  dependsOn: string[];
  fold?: number;
  branch?: number[];
}

export interface Manifest {
  store: string;
  product: string;
  type: string;
  version: number;
  createdAt: string;
  description: string;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  params: Record<string, unknown>;
  dataRange?: { start?: string; end?: string } | null;
  dependencies: Array<{ ref: string; role: string }>;
  artifacts: Artifact[];
}

export interface LineageEntry {
  ref: string;
  role: string;
  depth: number;
  via: string;
}

export interface AliasView {
  alias: string;
  version: number;
  previous: number[];
  history: Array<{ version: number; at: string; action: string; reason?: string | null }>;
}

export interface Difference<T> {
  name: string;
  a: T | null;
  b: T | null;
}

export interface Comparison {
  a: { ref: string };
  b: { ref: string };
  metrics: Array<{ name: string; a: number | null; b: number | null; difference: number | null; direction: string | null; winner: 'a' | 'b' | 'tie' | null }>;
  params: Array<Difference<unknown>>;
  tags: Array<Difference<string>>;
  artifacts: Array<{ name: string; change: string; a: { digest: string; size: number } | null; b: { digest: string; size: number } | null }>;
}

export interface Stats {
  registry: string;
  stores: number;
  products: number;
  types: number;
  versions: number;
  aliases: number;
  blobs: number;
  logicalBytes: number;
  storedBytes: number;
  dedupRatio: number;
}

export interface Api {
  stores: { registry: string; stores: string[] };
  products: { products: string[] };
  lines: Paged & { types: LineSummary[] };
  stats: Stats;
  versions: Paged & { name: string; versions: VersionSummary[]; aliases: Array<{ alias: string; version: number }>; metricNames: string[] };
  series: { name: string; versions: number[]; metrics: Record<string, Array<number | null>>; aliases: Record<string, number> };
  aliases: { aliases: AliasView[] };
  info: { ref: string; aliases: string[]; manifest: Manifest };
  lineage: { ref: string; direction: string; entries: LineageEntry[] };
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
