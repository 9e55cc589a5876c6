import { type Manifest, artifactUrl, getJson, versionParams } from './api.js';
import { badge, h, later, routeHref, section } from './dom.js';
import { bytes, date, json, number } from './format.js';
import { lineageGraph } from './lineage-graph.js';

/** One version: its metadata, metrics, params, tags, artifacts with downloads, and its lineage. */
export async function versionPage(params: URLSearchParams): Promise<HTMLElement> {
  const address = versionParams({ store: params.get('store') ?? '', product: params.get('product') ?? '', type: params.get('type') ?? '', version: params.get('version') ?? 'latest' });
  const { ref, aliases, manifest } = await getJson('info', address);
  const line = { store: manifest.store, product: manifest.product, type: manifest.type };
  const pinned = { ...line, version: manifest.version };
  return h(
    'div',
    { class: 'version' },
    h('p', { class: 'crumbs' }, h('a', { href: routeHref('line', line) }, `${line.store}/${line.product}/${line.type}`)),
    h('h1', {}, ref, ' ', ...aliases.map((alias) => badge(alias))),
    manifest.version > 1 ? h('p', {}, h('a', { href: routeHref('compare', { a: `${line.store}/${line.product}/${line.type}@${manifest.version - 1}`, b: ref }), class: 'compare-previous' }, `Compare with v${manifest.version - 1}`)) : null,
    h('p', { class: 'description' }, manifest.description || 'No description.'),
    details(manifest),
    section('Artifacts', artifactTable(manifest, pinned)),
    section('Lineage', later(async () => {
      const [dependencies, dependents] = await Promise.all([getJson('lineage', { ...versionParams(pinned), direction: 'dependencies' }), getJson('lineage', { ...versionParams(pinned), direction: 'dependents' })]);
      if (dependencies.entries.length + dependents.entries.length === 0) return h('p', { class: 'no-lineage' }, 'Not built from other versions, and nothing is built from it.');
      return h('div', { class: 'lineage-box' }, lineageGraph(ref, dependencies.entries, dependents.entries));
    }, 'Reading lineage (dependents need a scan of every manifest)...')),
  );
}

function keyValues(title: string, record: Record<string, unknown>, show: (value: unknown) => string, attribute: string): HTMLElement {
  const entries = Object.entries(record);
  return section(title, entries.length === 0 ? h('p', {}, 'None.') : h('table', { class: 'kv' }, h('tbody', {}, ...entries.map(([key, value]) => h('tr', { [attribute]: key }, h('th', {}, key), h('td', {}, show(value)))))));
}

function details(manifest: Manifest): HTMLElement {
  const range = manifest.dataRange ? `${manifest.dataRange.start ?? '...'} to ${manifest.dataRange.end ?? '...'}` : '-';
  return h(
    'div',
    { class: 'details' },
    h('dl', {}, h('dt', {}, 'created'), h('dd', {}, date(manifest.createdAt)), h('dt', {}, 'data range'), h('dd', {}, range),
      h('dt', {}, 'dependencies'), h('dd', {}, manifest.dependencies.map((dependency) => `${dependency.ref} (${dependency.role})`).join(', ') || '-')),
    keyValues('Metrics', manifest.metrics, (value) => number(value as number), 'data-metric'),
    keyValues('Params', manifest.params, json, 'data-param'),
    keyValues('Tags', manifest.tags, json, 'data-tag'),
  );
}

function artifactTable(manifest: Manifest, version: { store: string; product: string; type: string; version: number }): HTMLElement {
  return h(
    'table',
    { class: 'artifacts' },
    h('thead', {}, h('tr', {}, ...['artifact', 'kind', 'fold', 'size', 'digest', 'depends on', ''].map((label) => h('th', {}, label)))),
    h(
      'tbody',
      {},
      ...manifest.artifacts.map((artifact) =>
        h(
          'tr',
          { 'data-artifact': artifact.name },
          h('td', {}, artifact.name),
          h('td', {}, artifact.kind),
          h('td', { class: 'num' }, artifact.fold ?? '-'),
          h('td', { class: 'num' }, bytes(artifact.size)),
          h('td', { class: 'digest', title: artifact.digest }, `${artifact.digest.slice(0, 19)}...`),
          h('td', {}, artifact.dependsOn.join(', ') || '-'),
          h('td', {}, h('a', { href: artifactUrl(version, artifact.name), download: artifact.name.split('/').pop()!, class: 'download' }, 'download')),
        ),
      ),
    ),
  );
}
