import { lineageView } from '@modelreg/core';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { type Io, formatBytes, formatDate, formatRecord, keyValueTable, table } from '../output.js';
import { REF_HELP, parseCount } from '../options.js';

export function registerInfo(program: Command, io: Io): void {
  program.command('info').description('a version\'s manifest: metadata, metrics, dependencies and artifacts').argument('<ref>', REF_HELP).action(action(io, info));
  program
    .command('lineage')
    .description('the versions a version was built from, transitively; with --dependents, the versions built from it')
    .argument('<ref>', REF_HELP)
    .option('--dependents', 'walk the other way: versions that depend on this one (reads every manifest of the registry)')
    .option('--depth <n>', 'levels to follow (default: all)')
    .action(action(io, lineage));
}

async function lineage(context: Context, ref: string, options: { dependents?: boolean; depth?: string }): Promise<void> {
  const direction = options.dependents === true ? 'dependents' : 'dependencies';
  const walk = { ...(options.depth === undefined ? {} : { maxDepth: parseCount(options.depth, '--depth', 1) }) };
  const view = await lineageView(await context.registry(), ref, direction, { ...walk, onUnreadable: context.onUnreadable });
  const { ref: resolved, entries } = view;
  context.print(view, () =>
    entries.length === 0
      ? `${resolved} has no ${direction}.`
      : table(['ref', 'role', 'depth', 'via'], entries.map((entry) => [entry.ref, entry.role, String(entry.depth), entry.via])),
  );
}

async function info(context: Context, ref: string): Promise<void> {
  const registry = await context.registry();
  const result = await registry.info(ref);
  const { manifest } = result;
  context.print({ ref: result.ref, store: result.store, product: result.product, type: result.type, version: result.version, aliases: result.aliases, manifest }, () => {
    const summary = keyValueTable([
      ['ref', result.ref],
      ['created', formatDate(manifest.createdAt)],
      ['aliases', result.aliases.join(', ') || '-'],
      ['description', manifest.description || '-'],
      ['metrics', formatRecord(manifest.metrics) || '-'],
      ['params', formatRecord(manifest.params) || '-'],
      ['tags', formatRecord(manifest.tags) || '-'],
      ['data range', manifest.dataRange ? `${manifest.dataRange.start ?? '...'} to ${manifest.dataRange.end ?? '...'}` : '-'],
      ['dependencies', manifest.dependencies.map((dependency) => `${dependency.ref} (${dependency.role})`).join(', ') || '-'],
    ]);
    const artifacts = table(
      ['artifact', 'kind', 'size', 'fold', 'depends on', 'digest'],
      manifest.artifacts.map((artifact) => [
        artifact.name,
        artifact.kind,
        formatBytes(artifact.size),
        artifact.fold ?? '-',
        artifact.dependsOn.join(', ') || '-',
        `${artifact.digest.slice(0, 19)}...`,
      ]),
    );
    return `${summary}\n${artifacts}`;
  });
}
