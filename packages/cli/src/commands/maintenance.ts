import { statsView } from '@modelreg/core';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { ReportedFailure } from '../errors.js';
import { type Io, formatBytes, keyValueTable, table } from '../output.js';
import { REF_HELP, SCOPE_HELP, parseCount, parseDuration, parseScope } from '../options.js';

/** The registry config's own minimum for gcGracePeriodMs (any grace is safe: see docs/gc.md). */
const MIN_GRACE_MS = 1000;
const YES = ['-y, --yes', 'really delete; without it, only report what would be deleted'] as const;

export function registerMaintenance(program: Command, io: Io): void {
  program
    .command('retain')
    .description('delete all but the newest versions of each model line, sparing aliased and depended-on ones (a dry run unless --yes)')
    .argument('[scope]', SCOPE_HELP)
    .option('--keep <n>', 'versions kept per model line (default: retention.keep of the config file)')
    .option(...YES)
    .action(action(io, retain));

  program
    .command('gc')
    .description('delete blobs no version references that are older than the grace period (a dry run unless --yes)')
    .option('--grace-period <duration>', 'keep unreferenced blobs younger than this, e.g. 30m, 24h (default: the registry\'s, 24h)')
    .option(...YES)
    .action(action(io, gc));

  program.command('stats').description('counts and sizes of the whole registry, and the space dedup saves').action(action(io, stats));

  program
    .command('verify')
    .description('re-hash the blobs of one version, or of the whole registry; exits 1 if any is missing or corrupt')
    .argument('[ref]', REF_HELP)
    .action(action(io, verify));
}

async function retain(context: Context, scope: string | undefined, options: { keep?: string; yes?: boolean }): Promise<void> {
  const report = await (await context.registry()).retain({
    ...parseScope(scope),
    ...(options.keep === undefined ? {} : { keep: parseCount(options.keep, '--keep', 1) }),
    dryRun: options.yes !== true,
  });
  context.print(report, () => {
    const verb = report.dryRun ? 'Would delete' : 'Deleted';
    const lines = [`${verb} ${report.deleted.length} version(s)${report.deleted.length ? `: ${report.deleted.join(', ')}` : ''}.`];
    if (report.protected.length > 0) lines.push(table(['kept', 'because of'], report.protected.map((entry) => [entry.ref, entry.reason])));
    if (report.dryRun && report.deleted.length > 0) lines.push('Dry run: pass --yes to delete.');
    return lines.join('\n');
  });
}

async function gc(context: Context, options: { gracePeriod?: string; yes?: boolean }): Promise<void> {
  const report = await (await context.registry()).gc({
    dryRun: options.yes !== true,
    onUnreadable: context.onUnreadable,
    ...(options.gracePeriod === undefined ? {} : { gracePeriodMs: parseDuration(options.gracePeriod, '--grace-period', MIN_GRACE_MS) }),
  });
  context.print(report, () => {
    const verb = report.dryRun ? 'Would delete' : 'Deleted';
    return [
      `Scanned ${report.scannedBlobs} blob(s): ${report.referencedBlobs} referenced, ${report.keptYoungBlobs} unreferenced but within the grace period.`,
      `${verb} ${report.deletedBlobs} blob(s), ${formatBytes(report.freedBytes)}.`,
      ...(report.dryRun && report.deletedBlobs > 0 ? ['Dry run: pass --yes to delete.'] : []),
    ].join('\n');
  });
}

async function stats(context: Context): Promise<void> {
  const registry = await context.registry();
  const { view: result, unreadable } = statsView(await context.location(), await registry.stats());
  unreadable.forEach(context.onUnreadable);
  context.print(result, () =>
    keyValueTable([
      ['registry', result.registry],
      ['stores', result.stores],
      ['products', result.products],
      ['model lines', result.types],
      ['versions', result.versions],
      ['aliases', result.aliases],
      ['blobs', result.blobs],
      ['logical size', formatBytes(result.logicalBytes)],
      ['stored size', formatBytes(result.storedBytes)],
      ['dedup ratio', `${result.dedupRatio.toFixed(2)}x`],
      ['incomplete writes', `${result.incompleteWrites} (${formatBytes(result.incompleteWriteBytes)}; gc removes them after the grace period)`],
    ]),
  );
}

async function verify(context: Context, ref: string | undefined): Promise<void> {
  const { unreadable, ...report } = await (await context.registry()).verify(ref);
  unreadable.forEach(context.onUnreadable);
  context.print(report, () => {
    const problems = [
      ...report.missing.map((blob) => [blob.digest, 'missing', blob.referencedBy.join(', ') || '-']),
      ...report.corrupt.map((blob) => [blob.digest, blob.problem, blob.referencedBy.join(', ') || '-']),
    ];
    const summary = `Checked ${report.checkedBlobs} blob(s): ${report.ok ? 'all intact' : `${problems.length} problem(s)`}.`;
    return problems.length === 0 ? summary : `${table(['blob', 'problem', 'used by'], problems)}\n${summary}`;
  });
  if (!report.ok) throw new ReportedFailure('verify found missing or corrupt blobs');
}
