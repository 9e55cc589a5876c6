import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { type Io, formatBytes, formatDate, formatRecord, keyValueTable, table } from '../output.js';
import { REF_HELP } from '../options.js';

export function registerInfo(program: Command, io: Io): void {
  program.command('info').description('a version\'s manifest: metadata, metrics, dependencies and artifacts').argument('<ref>', REF_HELP).action(action(io, info));
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
