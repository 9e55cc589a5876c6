import { type Api, getJson, newestOnly } from './api.js';
import { badge, h, later, routeHref, section } from './dom.js';
import { bytes } from './format.js';
import { filterBox, pager } from './pager.js';

const PAGE = 50;

/** Stores, the selected store's model lines (paged), and the registry's counts. */
export async function overviewPage(params: URLSearchParams): Promise<HTMLElement> {
  const { registry, stores } = await getJson('stores');
  const store = params.get('store') ?? stores[0];
  const linesSlot = h('div', { class: 'lines' });
  const statsSlot = h('div', { class: 'loading' }, 'Counting versions and blobs...');
  const view = h(
    'div',
    { class: 'overview' },
    h('h1', {}, 'Registry'),
    h('p', { class: 'location' }, registry),
    statsSlot,
    section(
      'Stores',
      stores.length === 0
        ? h('p', {}, 'No model versions yet: push one with `modelreg push`.')
        : h('nav', { class: 'stores' }, ...stores.map((name) => h('a', { href: routeHref('', { store: name }), class: name === store ? 'store selected' : 'store' }, name))),
    ),
    linesSlot,
  );
  if (store !== undefined) linesSlot.append(await storeLines(store));
  // Counting reads every manifest: asked for only once the lines are shown, so it never delays them.
  statsSlot.replaceWith(later(statsList, 'Counting versions and blobs...'));
  return view;
}

async function statsList(): Promise<Node> {
  const stats = await getJson('stats');
  const rows: Array<[string, string]> = [
    ['stores', String(stats.stores)],
    ['products', String(stats.products)],
    ['model lines', String(stats.types)],
    ['versions', String(stats.versions)],
    ['aliases', String(stats.aliases)],
    ['blobs', String(stats.blobs)],
    ['logical size', bytes(stats.logicalBytes)],
    ['stored size', bytes(stats.storedBytes)],
    ['dedup ratio', `${stats.dedupRatio.toFixed(2)}x`],
  ];
  return h('dl', { class: 'stats' }, ...rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', { 'data-stat': label }, value)]));
}

/** The model lines of one store, one page at a time, narrowed by product and by text. */
async function storeLines(store: string): Promise<HTMLElement> {
  const state = { product: '', q: '', offset: 0 };
  const body = h('div');
  const show = (page: Api['lines']) => body.replaceChildren(linesTable(page, (offset) => {
    state.offset = offset;
    void refresh();
  }));
  const load = newestOnly(() => getJson('lines', { store, product: state.product || undefined, q: state.q, offset: state.offset, limit: PAGE }));
  const refresh = async () => {
    const page = await load();
    if (page) show(page);
  };
  const [{ products }] = await Promise.all([getJson('products', { store }), refresh()]);
  const productSelect = h(
    'select',
    {
      class: 'product',
      onchange: (event: Event) => {
        Object.assign(state, { product: (event.target as HTMLSelectElement).value, offset: 0 });
        void refresh();
      },
    },
    h('option', { value: '' }, `all ${products.length} products`),
    ...products.map((product) => h('option', { value: product }, product)),
  );
  const filter = filterBox('filter model lines', '', (q) => {
    Object.assign(state, { q, offset: 0 });
    void refresh();
  });
  return section(`Model lines of ${store}`, h('div', { class: 'toolbar' }, productSelect, filter), body);
}

function linesTable(page: Api['lines'], go: (offset: number) => void): HTMLElement {
  const rows = page.types.map((line) => {
    const lineHref = routeHref('line', { store: line.store, product: line.product, type: line.type });
    return h(
      'tr',
      { 'data-line': line.name },
      h('td', {}, h('a', { href: lineHref }, `${line.product}/${line.type}`)),
      h('td', { class: 'num' }, line.versions),
      h('td', { class: 'num' }, line.latest === null ? '-' : h('a', { href: routeHref('version', { store: line.store, product: line.product, type: line.type, version: line.latest }) }, `v${line.latest}`)),
      h('td', {}, ...Object.entries(line.aliases).map(([alias, version]) => h('span', { class: 'alias-target' }, badge(alias), ` v${version} `))),
    );
  });
  return h(
    'div',
    {},
    h('table', { class: 'lines-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'model line'), h('th', {}, 'versions'), h('th', {}, 'latest'), h('th', {}, 'aliases'))), h('tbody', {}, ...rows)),
    pager(page, go),
  );
}
