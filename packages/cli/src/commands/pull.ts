import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { type Io, formatBytes, table } from '../output.js';
import { REF_HELP, collect } from '../options.js';
import { withTransferProgress } from '../progress.js';

export function registerPull(program: Command, io: Io): void {
  program
    .command('pull')
    .description('download a version\'s artifacts into a folder, each verified against its digest')
    .argument('<ref>', REF_HELP)
    .argument('[dir]', 'destination folder', '.')
    .option('-a, --artifact <name>', 'pull only this artifact; repeatable', collect)
    .action(action(io, pull));
}

async function pull(context: Context, ref: string, dir: string, options: { artifact?: string[] }): Promise<void> {
  const registry = await context.registry();
  // The manifest read for the progress bar's total is the one pulled, even if an alias moves meanwhile.
  const manifest = await registry.manifest(ref);
  const wanted = options.artifact;
  const totalBytes = manifest.artifacts.filter((artifact) => !wanted || wanted.includes(artifact.name)).reduce((sum, artifact) => sum + artifact.size, 0);
  const target = resolve(context.io.cwd, dir);
  const result = await withTransferProgress(context, 'pull', totalBytes, (onProgress) =>
    registry.pull(manifest, target, { onProgress, ...(wanted ? { artifacts: wanted } : {}) }),
  );
  const { files } = result;
  context.print({ ref: result.ref, store: result.store, product: result.product, type: result.type, version: result.version, dir: target, files, manifest }, () => {
    const rows = manifest.artifacts.filter((artifact) => artifact.name in files).map((artifact) => [artifact.name, formatBytes(artifact.size), files[artifact.name]!]);
    return `${table(['artifact', 'size', 'path'], rows)}\nPulled ${result.ref} into ${target}.`;
  });
}
