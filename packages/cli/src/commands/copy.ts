import { type CopyReport, REGISTRY_URL_FORMS, copyRegistry } from '@modelreg/core';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { ReportedFailure } from '../errors.js';
import { type Io, formatBytes, table } from '../output.js';
import { SCOPE_HELP, parseCount } from '../options.js';
import { withTransferProgress } from '../progress.js';

export function registerCopy(program: Command, io: Io): void {
  program
    .command('copy')
    .description('copy versions, the blobs they need and their aliases from one registry to another, on any backends; run it again to copy only what is missing (exits 1 if anything conflicted)')
    .argument('<from>', `the source registry: ${REGISTRY_URL_FORMS}`)
    .argument('<to>', 'the destination registry, in the same forms')
    .argument('[scope]', SCOPE_HELP)
    .option('--dry-run', 'only report what would be copied; write nothing')
    .option('--concurrency <n>', 'blobs copied at once (default: concurrency of the config file, else 4)')
    .action(action(io, copy));
}

async function copy(context: Context, from: string, to: string, scope: string | undefined, options: { dryRun?: boolean; concurrency?: string }): Promise<void> {
  const [source, destination] = await Promise.all([context.registryConfigAt(from), context.registryConfigAt(to)]);
  const settings = {
    ...(scope === undefined ? {} : { scope }),
    ...(options.concurrency === undefined ? {} : { concurrency: parseCount(options.concurrency, '--concurrency', 1) }),
    dryRun: options.dryRun === true,
  };
  // The bar's total is known once the copy has found which blobs the destination lacks.
  const report = settings.dryRun
    ? await copyRegistry(source, destination, settings)
    : await withTransferProgress(context, 'copy', 0, (onProgress, setTotal) =>
        copyRegistry(source, destination, {
          ...settings,
          onProgress: onProgress && ((event) => (event.type === 'copy-plan' ? setTotal(event.bytes) : onProgress(event))),
        }),
      );
  context.print(report, () => describe(report));
  const conflicts = report.versions.conflicts.length + report.aliases.conflicts.length;
  if (conflicts > 0) throw new ReportedFailure(`copy left ${conflicts} conflict(s) at ${report.to} untouched; see the report above`);
}

function describe(report: CopyReport): string {
  const { versions, aliases, blobs } = report;
  const verb = report.dryRun ? 'Would copy' : 'Copied';
  const movedAliases = aliases.copied.length + aliases.updated.length;
  const lines = [
    `${verb} ${versions.copied.length} version(s), ${blobs.copied} blob(s) (${formatBytes(blobs.copiedBytes)}) and ${movedAliases} alias(es) from ${report.from} to ${report.to}${report.scope === null ? '' : ` (scope ${report.scope})`}.`,
    `Already there: ${versions.unchanged.length} version(s), ${blobs.present} blob(s) (${formatBytes(blobs.presentBytes)}), ${aliases.unchanged.length} alias(es).`,
  ];
  if (aliases.kept.length > 0) lines.push(`Kept, moved at the destination since an earlier copy: ${aliases.kept.join(', ')}.`);
  const conflicts = [...versions.conflicts, ...aliases.conflicts];
  if (conflicts.length > 0) lines.push(table(['conflict (not copied)', 'why'], conflicts.map((conflict) => [conflict.ref, conflict.reason])));
  if (report.skipped.length > 0) lines.push(table(['skipped at the source', 'why'], report.skipped.map((entry) => [entry.key, entry.problem])));
  if (report.dryRun) lines.push('Dry run: nothing was written.');
  return lines.join('\n');
}
