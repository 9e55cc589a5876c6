import { resolve } from 'node:path';
import { ARTIFACT_KINDS, type ArtifactKind, type ArtifactSelection, type ClosurePart, formatRef, selectArtifacts } from '@modelreg/core';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { UsageError } from '../errors.js';
import { type Io, formatBytes, table } from '../output.js';
import { REF_HELP, collect, parseBranch, parseCount } from '../options.js';
import { withTransferProgress } from '../progress.js';

interface PullFlags {
  artifact?: string[];
  kind?: string[];
  fold?: string[];
  branch?: string;
  withDependencies?: boolean;
}

export function registerPull(program: Command, io: Io): void {
  program
    .command('pull')
    .description('download a version\'s artifacts (or a selection) into a folder, each verified against its digest; all or nothing')
    .argument('<ref>', REF_HELP)
    .argument('[dir]', 'destination folder', '.')
    .option('-a, --artifact <name>', 'pull only this artifact; repeatable', collect)
    .option('-k, --kind <kind>', `only artifacts of this kind (${ARTIFACT_KINDS.join(', ')}); repeatable or comma-separated`, collect)
    .option('--fold <n>', 'only artifacts of this cross-validation fold; repeatable or comma-separated', collect)
    .option('--branch <path>', 'only artifacts on this branch of a model tree or below it, as child indexes: 0 or 0/2')
    .option('--with-dependencies', 'also what the selected artifacts depend on: their dependsOn, and the versions this one depends on (whole, transitively), into <dir>/sources/<store>/<product>/<type>/<version>')
    .action(action(io, pull));
}

/** One pulled file, in the order pulled: dependencies first. */
interface PulledFile {
  ref: string;
  artifact: string;
  kind: ArtifactKind;
  size: number;
  path: string;
}

async function pull(context: Context, ref: string, dir: string, flags: PullFlags): Promise<void> {
  const selection = selectionOf(flags);
  const registry = await context.registry();
  // The manifest read here is the one pulled, even if an alias moves meanwhile.
  const manifest = await registry.manifest(ref);
  const target = resolve(context.io.cwd, dir);
  const parts: ClosurePart[] = flags.withDependencies
    ? await registry.dependencyClosure(manifest, selection)
    : [{ ref: formatRef(manifest), manifest, artifacts: selectArtifacts(manifest, selection) }];
  const totalBytes = parts.flatMap((part) => part.artifacts).reduce((sum, artifact) => sum + artifact.size, 0);
  const { meta, sources } = await withTransferProgress(context, 'pull', totalBytes, async (onProgress) => {
    if (flags.withDependencies) return registry.pullStack(parts, target, { onProgress });
    return { meta: await registry.pull(manifest, target, { onProgress, artifacts: parts[0]!.artifacts.map((artifact) => artifact.name) }), sources: [] };
  });
  const filesByRef = new Map([...sources.map((source) => source.pulled), meta].map((version) => [version.ref, version.files]));
  const pulled: PulledFile[] = parts.flatMap((part) =>
    part.artifacts.map((artifact) => ({ ref: part.ref, artifact: artifact.name, kind: artifact.kind, size: artifact.size, path: filesByRef.get(part.ref)![artifact.name]! })),
  );
  const json = {
    ref: meta.ref, store: meta.store, product: meta.product, type: meta.type, version: meta.version, dir: target, files: meta.files, manifest, pulled,
    ...(flags.withDependencies ? { sources: sources.map(({ role, via, pulled: source }) => ({ ref: source.ref, role, via, files: source.files })) } : {}),
  };
  context.print(json, () => {
    const withVersions = sources.length > 0;
    const rows = pulled.map((file) => [...(withVersions ? [file.ref] : []), file.artifact, formatBytes(file.size), file.path]);
    const head = [...(withVersions ? ['version'] : []), 'artifact', 'size', 'path'];
    const extra = withVersions ? ` with ${sources.length} dependency version${sources.length === 1 ? '' : 's'}` : '';
    return `${table(head, rows)}\nPulled ${meta.ref}${extra} into ${target}.`;
  });
}

function selectionOf(flags: PullFlags): ArtifactSelection {
  const list = (values: string[] | undefined) => values?.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  const kinds = list(flags.kind)?.map((kind) => {
    if (!(ARTIFACT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind ${kind}: expected one of ${ARTIFACT_KINDS.join(', ')}.`);
    return kind as ArtifactKind;
  });
  const folds = list(flags.fold)?.map((fold) => parseCount(fold, '--fold', 0));
  return { artifacts: flags.artifact, kinds, folds, branch: flags.branch === undefined ? undefined : parseBranch(flags.branch, '--branch') };
}
