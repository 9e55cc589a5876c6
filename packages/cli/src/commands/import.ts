import { type ExecuteImportOptions, type ImportReport, LAYOUT_NAMES, type PlanImportOptions, executeImport, planImport } from '@modelreg/core';
import { type Command, Option } from 'commander';
import { type Context, action } from '../context.js';
import { ReportedFailure } from '../errors.js';
import { type Io, formatRecord, table } from '../output.js';
import { withTransferProgress } from '../progress.js';

interface ImportOptions {
  layout: PlanImportOptions['layout'];
  idPattern?: string;
  store?: string;
  product?: string;
  type?: string;
  dryRun?: boolean;
}

export function registerImport(program: Command, io: Io): void {
  program
    .command('import')
    .description('push the models of a legacy model folder tree as versions (flat, hierarchical, named-versions, timestamped, manifest-v1 layouts)')
    .argument('<source-folder>', 'the folder holding the legacy models (or their models/ folder); it is only read')
    .addOption(new Option('--layout <name>', 'the legacy layout, or auto to detect it').choices([...LAYOUT_NAMES, 'auto']).default('auto'))
    .option('--id-pattern <pattern>', 'read ids the metadata lacks from folder names, e.g. "{store}_{product}_{type}" ({*} skips a part)')
    .option('--store <id>', 'store id for models whose source names none')
    .option('--product <id>', 'product id for models whose source names none')
    .option('--type <id>', 'model type for models whose source names none')
    .option('--dry-run', 'print the plan (source folder -> ref, artifacts, metrics) and change nothing')
    .action(action(io, runImport));
}

async function runImport(context: Context, source: string, options: ImportOptions): Promise<void> {
  // Only this command's own options: the global ones (--json, --registry, ...) arrive in the same object.
  const { layout, idPattern, store, product, type, dryRun = false } = options;
  const plan = await planImport(source, { layout, idPattern, store, product, type });
  const registry = await context.registry();
  const totalBytes = plan.versions.reduce((sum, version) => sum + version.artifacts.reduce((bytes, artifact) => bytes + artifact.size, 0), 0);
  const execute = (onProgress?: ExecuteImportOptions['onProgress']) =>
    executeImport(registry, plan, { dryRun, onProgress, onUnreadable: context.onUnreadable });
  // A dry run moves no bytes and shows no bar.
  const report = dryRun ? await execute() : await withTransferProgress(context, 'import', totalBytes, execute);
  context.print(toJson(report), () => describe(report));
  if (report.unmapped.length > 0) throw new ReportedFailure(`${report.unmapped.length} source(s) could not be imported`);
}

function toJson(report: ImportReport) {
  const statusOf = new Map(report.versions.map((version) => [version.source, version]));
  return {
    dryRun: report.dryRun,
    root: report.plan.root,
    layout: report.plan.layout,
    detected: report.plan.detected,
    versions: report.plan.versions
      .filter((planned) => statusOf.has(planned.source))
      .map((planned) => {
        const { ref, status, uploadedBytes } = statusOf.get(planned.source)!;
        return {
          source: planned.source,
          ref,
          status,
          uploadedBytes,
          createdAt: planned.meta.createdAt,
          artifacts: planned.artifacts.map(({ name, kind, size, fold, dependsOn }) => ({ name, kind, size, fold, dependsOn })),
          metrics: planned.meta.metrics,
        };
      }),
    aliases: report.aliases,
    unmapped: report.unmapped,
  };
}

function describe(report: ImportReport): string {
  const json = toJson(report);
  const lines = [`Layout: ${json.layout}${json.detected ? ' (detected)' : ''}.`];
  if (json.versions.length > 0) {
    lines.push(
      table(
        ['source', 'ref', 'status', 'artifacts', 'metrics'],
        json.versions.map((version) => [
          version.source,
          version.ref,
          version.status,
          version.artifacts.map((artifact) => `${artifact.name} (${artifact.kind}${artifact.fold === undefined ? '' : `, fold ${artifact.fold}`})`).join('\n'),
          formatRecord(version.metrics) || '-',
        ]),
      ),
    );
  }
  for (const alias of json.aliases) lines.push(`${alias.alias} -> ${alias.ref} (${alias.moves} move(s) ${json.dryRun ? 'to apply' : 'applied'})`);
  if (json.unmapped.length > 0) lines.push('Not imported:', table(['source', 'reason'], json.unmapped.map((entry) => [entry.source, entry.reason])));
  const count = (status: string) => json.versions.filter((version) => version.status === status).length;
  lines.push(
    json.dryRun
      ? `Dry run: would import ${count('new')} version(s); ${count('present')} already imported. Nothing was changed.`
      : `Imported ${count('imported')} version(s); ${count('present')} already imported${json.unmapped.length ? `; ${json.unmapped.length} not imported` : ''}.`,
  );
  return lines.join('\n');
}
