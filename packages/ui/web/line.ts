import { type Api, getJson, newestOnly, started } from './api.js';
import { metricCharts } from './charts.js';
import { badge, h, later, routeHref, section } from './dom.js';
import { bytes, date, number } from './format.js';
import { filterBox, pager } from './pager.js';

const PAGE = 50;
/** Metric columns shown in the table; every metric still gets a chart. */
const METRIC_COLUMNS = 6;

interface TableState {
  sort: string;
  order: 'asc' | 'desc';
  q: string;
  offset: number;
  /** Versions ticked for comparison, at most two. */
  picked: string[];
}

/** A model line: charts of its metrics, its versions as a sortable, filterable, paged table, and its alias history. */
export async function linePage(params: URLSearchParams): Promise<HTMLElement> {
  const line = { store: params.get('store') ?? '', product: params.get('product') ?? '', type: params.get('type') ?? '' };
  const state: TableState = { sort: 'version', order: 'desc', q: '', offset: 0, picked: [] };
  const tableSlot = h('div');
  const compareButton = h('button', { type: 'button', class: 'compare-picked', disabled: true, onclick: () => (location.hash = routeHref('compare', { a: state.picked[0]!, b: state.picked[1]! })) }, 'Compare the two ticked versions');
  const load = newestOnly(() => getJson('versions', { ...line, sort: state.sort, order: state.order, q: state.q, offset: state.offset, limit: PAGE }));
  const refresh = async () => {
    const page = await load();
    if (page) tableSlot.replaceChildren(versionTable(page, state, refresh, () => (compareButton.disabled = state.picked.length !== 2)));
  };
  // Asked for together with the table, not after it: the three answers arrive in one round trip.
  const series = started(getJson('series', line));
  const aliases = started(getJson('aliases', line));
  await refresh();
  return h(
    'div',
    { class: 'line' },
    h('h1', {}, `${line.store}/${line.product}/${line.type}`),
    section('Metrics over versions', later(async () => metricCharts(await series), 'Drawing charts...')),
    section(
      'Versions',
      h('div', { class: 'toolbar' }, filterBox('filter: v12, tag=value, alias, metric', '', (q) => {
        Object.assign(state, { q, offset: 0 });
        void refresh();
      }), compareButton),
      tableSlot,
    ),
    section('Alias history', later(async () => aliasTimeline(await aliases))),
  );
}

function versionTable(page: Api['versions'], state: TableState, refresh: () => Promise<void>, picked: () => void): HTMLElement {
  const metrics = page.metricNames.slice(0, METRIC_COLUMNS);
  const header = (label: string, sort?: string) => {
    if (sort === undefined) return h('th', {}, label);
    const active = state.sort === sort;
    return h('th', { class: `sortable${active ? ` sorted ${state.order}` : ''}`, 'data-sort': sort, 'aria-sort': active ? (state.order === 'asc' ? 'ascending' : 'descending') : undefined },
      h('button', { type: 'button', onclick: () => {
        // Read at click time: a second click may land before the table is drawn again.
        const sortedHere = state.sort === sort;
        Object.assign(state, { order: sortedHere && state.order === 'desc' ? 'asc' : 'desc', sort, offset: 0 });
        void refresh();
      } }, label));
  };
  const rows = page.versions.map((row) =>
    h(
      'tr',
      { 'data-version': row.version },
      h('td', {}, h('input', { type: 'checkbox', 'aria-label': `pick v${row.version} to compare`, checked: state.picked.includes(row.ref), onchange: (event: Event) => {
        const box = event.target as HTMLInputElement;
        state.picked = box.checked ? [...state.picked, row.ref].slice(-2) : state.picked.filter((ref) => ref !== row.ref);
        picked();
      } })),
      h('td', {}, h('a', { href: routeHref('version', { store: row.store, product: row.product, type: row.type, version: row.version }) }, `v${row.version}`)),
      h('td', {}, date(row.createdAt)),
      h('td', { class: 'num' }, bytes(row.size)),
      h('td', {}, ...row.aliases.map((alias) => badge(alias))),
      ...metrics.map((metric) => h('td', { class: 'num', 'data-metric': metric }, number(row.metrics[metric]))),
      h('td', { class: 'tags' }, Object.entries(row.tags).map(([tag, value]) => `${tag}=${value}`).join(', ')),
    ),
  );
  return h(
    'div',
    {},
    h('table', { class: 'versions-table' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), header('version', 'version'), header('created', 'createdAt'), header('size', 'size'), header('aliases'), ...metrics.map((metric) => header(metric, `metric:${metric}`)), header('tags'))),
      h('tbody', {}, ...rows)),
    pager(page, (offset) => {
      state.offset = offset;
      void refresh();
    }),
  );
}

/** Every move of every alias, newest first: when, which alias, to which version, how, who and why. */
function aliasTimeline({ aliases }: Api['aliases']): HTMLElement {
  const events = aliases.flatMap((alias) => alias.history.map((event) => ({ alias: alias.alias, ...event }))).sort((a, b) => b.at.localeCompare(a.at));
  if (events.length === 0) return h('p', {}, 'No alias has been set on this line.');
  return h(
    'ol',
    { class: 'timeline' },
    ...events.map((event) =>
      h('li', { 'data-alias': event.alias, 'data-version': event.version },
        h('time', { datetime: event.at }, date(event.at)), ' ', badge(event.alias), ` ${event.action === 'rollback' ? 'rolled back to' : 'set to'} v${event.version}`,
        event.by ? h('span', { class: 'by' }, ` by ${event.by}`) : null,
        event.reason ? h('span', { class: 'reason' }, ` - ${event.reason}`) : null),
    ),
  );
}
