import { NotFoundError, type Registry, type UnreadableEntry, aliasView, formatName, lineageView, statsView, summarizeLine } from '@modelreg/core';
import pLimit from 'p-limit';
import { z } from 'zod';
import { metricSeries, numbersOnPage, preselectedRows, versionRows, versionTable, versionTableSchema } from './line-views.js';
import type { LineListCache } from './line-list-cache.js';
import type { ManifestCache } from './manifest-cache.js';
import { lineOf, lineSchema, matchesText, page, pageSchema, parseQuery, versionSchema } from './query.js';

/** Line summaries computed at once for one page (two listings each). */
const SUMMARIES_IN_FLIGHT = 8;

export interface ApiContext {
  registry: Registry;
  manifests: ManifestCache;
  lineLists: LineListCache;
  signal: AbortSignal;
}

/** A JSON route: query parameters in, one JSON document out. */
export type ApiRoute = (params: URLSearchParams, context: ApiContext) => Promise<object>;

/** Adds `skipped` when a read left out entries that are not valid manifests, as the CLI's `--json` output does. */
function withSkipped<T extends object>(view: T, skipped: UnreadableEntry[]): T | (T & { skipped: UnreadableEntry[] }) {
  return skipped.length > 0 ? { ...view, skipped } : view;
}

/** Every route reads through the registry's public read API; none writes. Shapes follow the CLI's `--json` output. */
export const API_ROUTES: Readonly<Record<string, ApiRoute>> = {
  /** `modelreg ls --json` */
  '/api/stores': async (_params, { registry, signal }) => {
    const skipped: UnreadableEntry[] = [];
    const stores = await registry.stores({ signal, onUnreadable: (entry) => skipped.push(entry) });
    return withSkipped({ registry: registry.location, stores }, skipped);
  },

  /** `modelreg ls <store> --json` */
  '/api/products': async (params, { registry, signal }) => {
    const { store } = parseQuery(z.object({ store: z.string().min(1) }), params);
    const skipped: UnreadableEntry[] = [];
    return withSkipped({ products: await registry.products(store, { signal, onUnreadable: (entry) => skipped.push(entry) }) }, skipped);
  },

  /** `modelreg types [scope] --json`, one page of it: only the page's lines are summarized. */
  '/api/lines': async (params, { registry, lineLists, signal }) => {
    const query = parseQuery(z.object({ store: z.string().min(1).optional(), product: z.string().min(1).optional(), ...pageSchema }), params);
    const { lines, skipped } = await lineLists.list({ store: query.store, product: query.product });
    const { rows, ...paging } = page(lines.filter((line) => matchesText(query.q, `${line.store}/${line.product}/${line.type}`)), query.offset, query.limit);
    const limit = pLimit(SUMMARIES_IN_FLIGHT);
    const types = await Promise.all(rows.map((line) => limit(() => summarizeLine(registry, line, { signal }))));
    return withSkipped({ types, ...paging }, skipped);
  },

  /** `modelreg stats --json` */
  '/api/stats': async (_params, { registry, signal }) => {
    const { view, unreadable } = statsView(registry.location, await registry.stats({ signal }));
    return withSkipped(view, unreadable);
  },

  /** `modelreg versions <line> --json`, sorted, filtered and paged. */
  '/api/versions': async (params, { registry, manifests, signal }) => {
    const query = parseQuery(z.object({ ...lineSchema, ...versionTableSchema.shape }), params);
    const line = lineOf(query);
    const [numbers, aliases] = await Promise.all([registry.versions(line, { signal }), registry.aliases(line, { signal })]);
    if (numbers.length === 0) throw new NotFoundError(`${formatName(line)} has no versions; see "modelreg types" for the model lines that exist.`);
    const onPage = numbersOnPage(numbers, query);
    const { manifests: read, skipped } = await manifests.versions(line, onPage ?? numbers, signal);
    const rows = onPage ? preselectedRows(read, aliases, query, numbers.length) : versionRows(read, aliases, query);
    return withSkipped(versionTable(line, rows, aliases), skipped);
  },

  /** Every metric of a line over its versions, for the charts. */
  '/api/series': async (params, { registry, manifests, signal }) => {
    const line = lineOf(parseQuery(z.object(lineSchema), params));
    const [{ manifests: read, skipped }, aliases] = await Promise.all([manifests.line(line, signal), registry.aliases(line, { signal })]);
    return withSkipped(metricSeries(line, read, aliases), skipped);
  },

  /** `modelreg alias ls <line> --json`: targets, previous targets and the history of moves. */
  '/api/aliases': async (params, { registry, signal }) => {
    const line = lineOf(parseQuery(z.object(lineSchema), params));
    return { aliases: (await registry.aliases(line, { signal })).map(aliasView) };
  },

  /** `modelreg info <ref> --json` */
  '/api/info': (params, { registry, signal }) => registry.info(parseQuery(z.object(versionSchema), params), { signal }),

  /** `modelreg lineage <ref> [--dependents] --json` */
  '/api/lineage': async (params, { registry, signal }) => {
    const { direction, ...version } = parseQuery(z.object({ ...versionSchema, direction: z.enum(['dependencies', 'dependents']).default('dependencies') }), params);
    const skipped: UnreadableEntry[] = [];
    return withSkipped(await lineageView(registry, version, direction, { signal, onUnreadable: (entry) => skipped.push(entry) }), skipped);
  },

  /** `modelreg compare <a> <b> --json` */
  '/api/compare': async (params, { registry, signal }) => {
    const { a, b } = parseQuery(z.object({ a: z.string().min(1), b: z.string().min(1) }), params);
    return registry.compare(a, b, { signal });
  },
};
