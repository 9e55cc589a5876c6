import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { type Io, formatBytes, table } from '../output.js';
import { REF_HELP } from '../options.js';

export function registerCompare(program: Command, io: Io): void {
  program
    .command('compare')
    .description('two versions side by side: metrics with difference and winner, differing params and tags, changed artifacts')
    .argument('<a>', REF_HELP)
    .argument('<b>', REF_HELP)
    .action(action(io, compare));
}

/** Table cells: numbers to 6 significant digits, so 0.25 - 0.3 reads -0.05 (the JSON keeps full precision). */
function show(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'number') return String(Number(value.toPrecision(6)));
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function compare(context: Context, refA: string, refB: string): Promise<void> {
  const registry = await context.registry();
  const comparison = await registry.compare(refA, refB);
  context.print(comparison, () => {
    const { a, b } = comparison;
    const sections = [`a: ${a.ref}\nb: ${b.ref}`];
    if (comparison.metrics.length > 0) {
      sections.push(
        table(
          ['metric', 'a', 'b', 'b - a', 'better'],
          comparison.metrics.map((metric) => [metric.name, show(metric.a), show(metric.b), show(metric.difference), metric.winner ?? '?']),
        ),
      );
    }
    const differences = [
      ...comparison.params.map((param) => [`param ${param.name}`, show(param.a), show(param.b)]),
      ...comparison.tags.map((tag) => [`tag ${tag.name}`, show(tag.a), show(tag.b)]),
    ];
    sections.push(differences.length > 0 ? table(['differs', 'a', 'b'], differences) : 'Params and tags are the same.');
    sections.push(
      table(
        ['artifact', 'change', 'a', 'b'],
        comparison.artifacts.map((artifact) => [artifact.name, artifact.change, artifact.a ? formatBytes(artifact.a.size) : '-', artifact.b ? formatBytes(artifact.b.size) : '-']),
      ),
    );
    return sections.join('\n');
  });
}
