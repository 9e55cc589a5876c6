import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import type { Io } from '../output.js';

export function registerPurge(program: Command, io: Io): void {
  program
    .command('purge')
    .description('delete every version and alias of a store, a product or a model line (blobs go at the next gc; a dry run unless --yes)')
    .argument('<scope>', 'store, store/product or store/product/type')
    .option('-y, --yes', 'really delete; without it, only report what would be deleted')
    .action(action(io, purge));
}

async function purge(context: Context, scope: string, options: { yes?: boolean }): Promise<void> {
  const report = await (await context.registry()).purge(scope, { dryRun: options.yes !== true });
  context.print(report, () => {
    const verb = report.dryRun ? 'Would delete' : 'Deleted';
    return [
      `${verb} ${report.versions.length} version(s) and ${report.aliases.length} alias(es) of ${report.scope}.`,
      ...(report.dryRun && report.versions.length + report.aliases.length > 0 ? ['Dry run: pass --yes to delete.'] : []),
    ].join('\n');
  });
}
