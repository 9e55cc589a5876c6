import { type Comparison, getJson } from './api.js';
import { h, routeHref, section } from './dom.js';
import { bytes, json, number } from './format.js';

/** Two versions side by side: pick them by reference, then the `modelreg compare` result. */
export async function comparePage(params: URLSearchParams): Promise<HTMLElement> {
  const [a, b] = [params.get('a') ?? '', params.get('b') ?? ''];
  const inputA = h('input', { name: 'a', value: a, placeholder: 'store/product/type@version', required: true });
  const inputB = h('input', { name: 'b', value: b, placeholder: 'store/product/type@version', required: true });
  const form = h('form', {
    class: 'compare-form',
    onsubmit: (event: Event) => {
      event.preventDefault();
      location.hash = routeHref('compare', { a: inputA.value.trim(), b: inputB.value.trim() });
    },
  }, h('label', {}, 'a ', inputA), h('label', {}, 'b ', inputB), h('button', { type: 'submit' }, 'Compare'));
  const view = h('div', { class: 'compare' }, h('h1', {}, 'Compare'), form);
  if (a !== '' && b !== '') view.append(comparison(await getJson('compare', { a, b })));
  return view;
}

function comparison(result: Comparison): HTMLElement {
  const table = (head: string[], rows: HTMLElement[]) => h('table', {}, h('thead', {}, h('tr', {}, ...head.map((label) => h('th', {}, label)))), h('tbody', {}, ...rows));
  const differences = [
    ...result.params.map((param) => h('tr', { 'data-param': param.name }, h('td', {}, `param ${param.name}`), h('td', {}, json(param.a)), h('td', {}, json(param.b)))),
    ...result.tags.map((tag) => h('tr', { 'data-tag': tag.name }, h('td', {}, `tag ${tag.name}`), h('td', {}, json(tag.a)), h('td', {}, json(tag.b)))),
  ];
  return h(
    'div',
    { class: 'comparison' },
    h('p', {}, 'a: ', versionLink(result.a.ref), h('br'), 'b: ', versionLink(result.b.ref)),
    section('Metrics', result.metrics.length === 0 ? h('p', {}, 'Neither version records metrics.') : table(['metric', 'a', 'b', 'b - a', 'better'], result.metrics.map((metric) =>
      h('tr', { 'data-metric': metric.name, 'data-winner': metric.winner ?? '' },
        h('td', {}, metric.name),
        h('td', { class: metric.winner === 'a' ? 'num win' : 'num' }, number(metric.a)),
        h('td', { class: metric.winner === 'b' ? 'num win' : 'num' }, number(metric.b)),
        h('td', { class: 'num' }, number(metric.difference)),
        h('td', { class: 'winner' }, metric.winner ?? '?'))))),
    section('Params and tags that differ', differences.length === 0 ? h('p', {}, 'Params and tags are the same.') : table(['', 'a', 'b'], differences)),
    section('Artifacts', table(['artifact', 'change', 'a', 'b'], result.artifacts.map((artifact) =>
      h('tr', { 'data-artifact': artifact.name, 'data-change': artifact.change }, h('td', {}, artifact.name), h('td', {}, artifact.change),
        h('td', { class: 'num' }, artifact.a ? bytes(artifact.a.size) : '-'), h('td', { class: 'num' }, artifact.b ? bytes(artifact.b.size) : '-'))))),
  );
}

function versionLink(ref: string): HTMLElement {
  const at = ref.lastIndexOf('@');
  const [store, product, type] = ref.slice(0, at).split('/');
  return h('a', { href: routeHref('version', { store: store!, product: product!, type: type!, version: ref.slice(at + 1) }) }, ref);
}
