import { type MetricRange, NotFoundError, type VersionSummary, formatName, parseName, summarizeLines, summarizeVersions } from '@modelreg/core';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { UsageError } from '../errors.js';
import { type Io, formatBytes, formatDate, formatRecord, table } from '../output.js';
import { LINE_HELP, SCOPE_HELP, collect, keyValues, parseNumber, parseScope } from '../options.js';

interface LsOptions {
  tag?: string[];
  metric?: string[];
  latest?: boolean;
  versions?: boolean;
}

export function registerList(program: Command, io: Io): void {
  program
    .command('ls')
    .description('list stores, the products of a store, the types of a product, or versions (of a model line, or wherever a filter is given)')
    .argument('[scope]', SCOPE_HELP)
    .option('--tag <name=value>', 'only versions with this tag; repeatable', collect)
    .option('--metric <condition>', 'only versions whose metric passes, e.g. "rmse<0.3" or "auc>=0.8"; repeatable', collect)
    .option('--latest', 'only the newest version of each model line')
    .option('--versions', 'list versions under the scope rather than its children')
    .action(action(io, ls));

  program
    .command('versions')
    .description('the versions of a model line with their aliases, metrics and sizes')
    .argument('<line>', LINE_HELP)
    .action(action(io, versions));

  program
    .command('types')
    .description('every model line (store/product/type) under a scope, with its version count, latest version and aliases')
    .argument('[scope]', SCOPE_HELP)
    .action(action(io, types));
}

async function ls(context: Context, scope: string | undefined, options: LsOptions): Promise<void> {
  const filter = parseScope(scope);
  const registry = await context.registry();
  const filtering = options.tag || options.metric || options.latest || options.versions;
  if (filter.type !== undefined || filtering) {
    const manifests = await registry.list({
      ...filter,
      tags: keyValues(options.tag, '--tag'),
      metrics: parseMetricConditions(options.metric),
      latestOnly: options.latest === true,
    }, { onUnreadable: context.onUnreadable });
    const summaries = await summarizeVersions(registry, manifests);
    context.print({ versions: summaries }, () => (summaries.length === 0 ? 'No versions match.' : versionTable(summaries)));
    return;
  }
  const [level, ids] =
    filter.store === undefined
      ? (['stores', await registry.stores({ onUnreadable: context.onUnreadable })] as const)
      : filter.product === undefined
        ? (['products', await registry.products(filter.store, { onUnreadable: context.onUnreadable })] as const)
        : (['types', await registry.types(filter.store, filter.product, { onUnreadable: context.onUnreadable })] as const);
  context.print({ [level]: ids }, () => (ids.length === 0 ? `No ${level}.` : ids.join('\n')));
}

async function versions(context: Context, line: string): Promise<void> {
  const name = parseName(line);
  const registry = await context.registry();
  const [manifests, aliases] = await Promise.all([registry.list(name, { onUnreadable: context.onUnreadable }), registry.aliases(name)]);
  if (manifests.length === 0) throw new NotFoundError(`${formatName(name)} has no versions; see "modelreg types" for the model lines that exist.`);
  const summaries = await summarizeVersions(registry, manifests);
  context.print({ name: formatName(name), versions: summaries, aliases: aliases.map(({ alias, version }) => ({ alias, version })) }, () => versionTable(summaries));
}

async function types(context: Context, scope: string | undefined): Promise<void> {
  const registry = await context.registry();
  const rows = await summarizeLines(registry, parseScope(scope), { onUnreadable: context.onUnreadable });
  context.print({ types: rows }, () =>
    rows.length === 0
      ? 'No model lines.'
      : table(['model line', 'versions', 'latest', 'aliases'], rows.map((row) => [row.name, row.versions, row.latest ?? '-', formatRecord(row.aliases)])),
  );
}

function versionTable(summaries: VersionSummary[]): string {
  return table(
    ['ref', 'created', 'size', 'aliases', 'metrics', 'tags'],
    summaries.map((row) => [row.ref, formatDate(row.createdAt), formatBytes(row.size), row.aliases.join(', '), formatRecord(row.metrics), formatRecord(row.tags)]),
  );
}

const CONDITION = /^([^<>=]+?)\s*(<=|>=|<|>|=)\s*(.+)$/;
const RANGE_FIELD = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' } as const;

/** `rmse<0.3`, `auc>=0.8`, `folds=5`; several conditions on one metric combine into a range. */
function parseMetricConditions(conditions: string[] = []): Record<string, MetricRange> {
  const ranges: Record<string, MetricRange> = {};
  for (const condition of conditions) {
    const match = CONDITION.exec(condition);
    if (!match) throw new UsageError(`--metric expects a condition such as "rmse<0.3" or "auc>=0.8", got ${JSON.stringify(condition)}.`);
    const [, name, operator, text] = match as unknown as [string, string, keyof typeof RANGE_FIELD | '=', string];
    const value = parseNumber(text, `--metric ${condition}: the bound`);
    const range = (ranges[name] ??= {});
    if (operator === '=') Object.assign(range, { gte: value, lte: value });
    else range[RANGE_FIELD[operator]] = value;
  }
  return ranges;
}
