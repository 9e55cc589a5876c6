import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { type Io, keyValueTable } from '../output.js';

export function registerReindex(program: Command, io: Io): void {
  program
    .command('reindex')
    .description('bring the catalog (the summaries gc, stats and filtered listings read instead of every manifest) up to date')
    .action(action(io, reindex));
}

async function reindex(context: Context): Promise<void> {
  const report = await (await context.registry()).reindex({ onUnreadable: context.onUnreadable });
  context.print({ ...report, snapshot: report.snapshot ?? null }, () =>
    keyValueTable([
      ['manifests', report.manifests],
      ['from the catalog', report.fromCatalog],
      ['read', report.read],
      ['snapshot', report.snapshot ?? 'unchanged (none written)'],
      ['shards written', report.shardsWritten],
      ['shards reused', report.shardsReused],
    ]),
  );
}
