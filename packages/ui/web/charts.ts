import type { Api } from './api.js';
import { h } from './dom.js';
import { number } from './format.js';

const WIDTH = 460;
const HEIGHT = 200;
const MARKER_COLOURS = ['#c2410c', '#047857', '#7c3aed', '#b91c1c'];

/**
 * One uPlot chart per metric over the line's versions, with each aliased version marked by a
 * dashed line on the chart and an entry in the chart's legend below it.
 */
export function metricCharts(series: Api['series']): HTMLElement {
  const names = Object.keys(series.metrics);
  if (names.length === 0) return h('p', {}, 'No version of this line records metrics.');
  const markers = Object.entries(series.aliases).sort(([, a], [, b]) => a - b);
  return h('div', { class: 'charts' }, ...names.map((name) => metricChart(name, series.versions, series.metrics[name]!, markers)));
}

function metricChart(metric: string, versions: number[], values: Array<number | null>, markers: Array<[string, number]>): HTMLElement {
  const plot = h('div', { class: 'plot' });
  const marked = markers.filter(([, version]) => versions.includes(version));
  const figure = h(
    'figure',
    { class: 'chart', 'data-metric': metric, 'data-points': values.filter((value) => value !== null).length },
    h('figcaption', {}, metric),
    plot,
    h(
      'ul',
      { class: 'markers' },
      ...marked.map(([alias, version], index) =>
        h(
          'li',
          { class: 'marker', 'data-alias': alias, 'data-version': version },
          h('span', { class: `swatch c${index % MARKER_COLOURS.length}` }),
          `${alias}: v${version} (${number(values[versions.indexOf(version)])})`,
        ),
      ),
    ),
  );
  // uPlot measures its container, so it is created once the figure is in the page.
  requestAnimationFrame(() => {
    new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        legend: { show: true },
        scales: { x: { time: false } },
        axes: [{ label: 'version' }, { size: 60 }],
        series: [{ label: 'version' }, { label: metric, stroke: '#2563eb', width: 1.5, spanGaps: true, points: { show: versions.length <= 200, size: 5 } }],
        hooks: { draw: [(chart) => drawMarkers(chart, marked)] },
      },
      [versions, values],
      plot,
    );
  });
  return figure;
}

function drawMarkers(chart: uPlot, markers: Array<[string, number]>): void {
  const { ctx, bbox } = chart;
  ctx.save();
  ctx.setLineDash([5, 4]);
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.font = `${11 * devicePixelRatio}px sans-serif`;
  markers.forEach(([alias, version], index) => {
    const x = chart.valToPos(version, 'x', true);
    ctx.strokeStyle = ctx.fillStyle = MARKER_COLOURS[index % MARKER_COLOURS.length]!;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.fillText(alias, x + 3 * devicePixelRatio, bbox.top + (12 + 12 * index) * devicePixelRatio);
  });
  ctx.restore();
}
