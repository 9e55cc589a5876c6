import type { LineageEntry } from './api.js';
import { routeHref, svg } from './dom.js';

const NODE_WIDTH = 190;
const NODE_HEIGHT = 28;
const COLUMN_GAP = 60;
const ROW_GAP = 12;

interface Node {
  ref: string;
  /** Negative: built from (dependencies), 0: this version, positive: built from it (dependents). */
  column: number;
  role?: string;
}

/**
 * A layered graph: what the version was built from on the left (by depth), the version in the
 * middle, what was built from it on the right. Each edge points from a source to what was built from it.
 */
export function lineageGraph(center: string, dependencies: LineageEntry[], dependents: LineageEntry[]): SVGSVGElement {
  const nodes: Node[] = [
    { ref: center, column: 0 },
    ...dependencies.map((entry) => ({ ref: entry.ref, column: -entry.depth, role: entry.role })),
    ...dependents.map((entry) => ({ ref: entry.ref, column: entry.depth, role: entry.role })),
  ];
  // Built-from edges: a dependency points at the version it was reached from; a dependent is pointed at by its `via`.
  const edges = [...dependencies.map((entry) => ({ from: entry.ref, to: entry.via, role: entry.role })), ...dependents.map((entry) => ({ from: entry.via, to: entry.ref, role: entry.role }))];
  const columns = [...new Set(nodes.map((node) => node.column))].sort((a, b) => a - b);
  const rowsByColumn = new Map<number, number>();
  const position = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const row = rowsByColumn.get(node.column) ?? 0;
    rowsByColumn.set(node.column, row + 1);
    position.set(node.ref, { x: columns.indexOf(node.column) * (NODE_WIDTH + COLUMN_GAP), y: row * (NODE_HEIGHT + ROW_GAP) });
  }
  const width = columns.length * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP;
  const height = Math.max(...rowsByColumn.values()) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;
  return svg(
    'svg',
    { class: 'lineage', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `lineage of ${center}` },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' }, svg('path', { d: 'M0,0 L10,5 L0,10 z' }))),
    ...edges.map(({ from, to, role }) => {
      const [a, b] = [position.get(from)!, position.get(to)!];
      return svg('line', { class: 'edge', 'data-from': from, 'data-to': to, 'data-role': role, x1: a.x + NODE_WIDTH, y1: a.y + NODE_HEIGHT / 2, x2: b.x, y2: b.y + NODE_HEIGHT / 2, 'marker-end': 'url(#arrow)' });
    }),
    ...nodes.map((node) => {
      const { x, y } = position.get(node.ref)!;
      const at = node.ref.lastIndexOf('@');
      const [store, product, type] = node.ref.slice(0, at).split('/');
      return svg(
        'a',
        { href: routeHref('version', { store: store!, product: product!, type: type!, version: node.ref.slice(at + 1) }), class: node.column === 0 ? 'node current' : 'node', 'data-ref': node.ref },
        svg('title', {}, node.role ? `${node.ref} (${node.role})` : node.ref),
        svg('rect', { x, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 4 }),
        svg('text', { x: x + 8, y: y + NODE_HEIGHT / 2 + 4 }, node.ref.length > 28 ? `...${node.ref.slice(-26)}` : node.ref),
      );
    }),
  );
}
