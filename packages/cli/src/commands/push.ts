import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ARTIFACT_KINDS, type ArtifactInput, type ArtifactKind, type PushMeta, type RefInput, parseRef, parseVersionText } from '@modelreg/core';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { UsageError } from '../errors.js';
import { type Io, formatBytes } from '../output.js';
import { collect, keyValues, parseBranch, parseCount, parseNumber, readJsonObject, splitKeyValue } from '../options.js';
import { withTransferProgress } from '../progress.js';

interface PushOptions {
  kind?: string[];
  fold?: string[];
  branch?: string[];
  dependsOn?: string[];
  metric?: string[];
  metrics?: string;
  param?: string[];
  params?: string;
  tag?: string[];
  description?: string;
  dependency?: string[];
  dataStart?: string;
  dataEnd?: string;
  version?: string;
}

interface FoundFile {
  name: string;
  path: string;
  size: number;
}

/** A symlink whose target was pushed: `path` as the user would write it, `target` as the link holds it. */
interface FollowedLink {
  path: string;
  target: string;
}

export function registerPush(program: Command, io: Io): void {
  program
    .command('push')
    .description('push files and folders as a new version (the next number, or the one named with @N)')
    .argument('<ref>', 'store/product/type, or store/product/type@N to claim version N')
    .argument('<paths...>', 'files and folders; a folder adds every file under it, named by its path inside the folder')
    .option('-k, --kind <[artifact=]kind>', `artifact kind: ${ARTIFACT_KINDS.join(', ')}; without "artifact=" it applies to all (default: model)`, collect)
    .option('--fold <[artifact=]n>', 'cross-validation fold of an artifact (or of all)', collect)
    .option('--branch <[artifact=]path>', 'branch of a model tree an artifact (or all) belongs to, as child indexes: 0 or 0/2', collect)
    .option('--depends-on <artifact=names>', 'comma-separated artifacts of this version that one needs at load time', collect)
    .option('--metric <name=value>', 'a metric (a number); repeatable, wins over --metrics', collect)
    .option('--metrics <file>', 'metrics from a JSON object of numbers')
    .option('--param <name=value>', 'a param; the value is parsed as JSON when it is JSON, else kept as text', collect)
    .option('--params <file>', 'params from a JSON object')
    .option('--tag <name=value>', 'a tag; repeatable', collect)
    .option('-d, --description <text>', 'what this version is')
    .option('--dependency <[role=]ref>', 'a model version this one was built from; role defaults to "source"', collect)
    .option('--data-start <date>', 'start of the training data range')
    .option('--data-end <date>', 'end of the training data range')
    .option('--version <n>', 'claim version n, the same as ref@n')
    .action(action(io, push));
}

async function push(context: Context, ref: string, paths: string[], options: PushOptions): Promise<void> {
  const target = targetRef(ref, options.version);
  const { files, links } = await findFiles(paths, context.io.cwd);
  const artifacts = buildArtifacts(files, options);
  const meta = await buildMeta(options);
  const registry = await context.registry();
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const result = await withTransferProgress(context, 'push', totalBytes, (onProgress) => registry.push(target, artifacts, meta, { onProgress }));
  const { manifest, uploadedBytes, reusedArtifacts } = result;
  const json = { ref: result.ref, store: result.store, product: result.product, type: result.type, version: result.version, uploadedBytes, reusedArtifacts, followedSymlinks: links, manifest };
  context.print(json, () =>
    `Pushed ${result.ref}: ${manifest.artifacts.length} artifact(s), ${formatBytes(totalBytes)}; ` +
    `${formatBytes(uploadedBytes)} uploaded${reusedArtifacts.length ? `, ${reusedArtifacts.length} already stored` : ''}` +
    `${links.length ? `; followed ${links.length} symlink${links.length === 1 ? '' : 's'}` : ''}.`,
  );
}

/** `--version N` is the old training CLI's spelling of `ref@N`; a ref naming another version is a contradiction. */
function targetRef(ref: string, version: string | undefined): RefInput {
  if (version === undefined) return ref;
  let number: number | undefined;
  try {
    number = parseVersionText(version);
  } catch {
    // "0" or a number beyond 2^53: reported below like any other text that is no version
  }
  if (number === undefined) throw new UsageError(`--version expects a version number such as 7, got ${JSON.stringify(version)}.`);
  const { store, product, type, selector } = parseRef(ref);
  if (ref.includes('@') && !(selector.kind === 'version' && selector.version === number)) {
    throw new UsageError(`${ref} and --version ${version} name different versions; give the version once, as @N or as --version N.`);
  }
  return { store, product, type, version: number };
}

/**
 * Files named on the command line, folders expanded and symlinks followed (each one reported);
 * missing paths and broken links are reported before anything moves.
 */
async function findFiles(paths: string[], cwd: string): Promise<{ files: FoundFile[]; links: FollowedLink[] }> {
  const files: FoundFile[] = [];
  const links: FollowedLink[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    const info = await lstat(path).catch(() => {
      throw new UsageError(`${given} does not exist (relative paths resolve from ${cwd}).`);
    });
    const target = info.isSymbolicLink() ? await follow(path, given, links) : info;
    if (target.isDirectory()) {
      for (const file of await walk(path, given, [await realpath(path)], links)) files.push({ name: relative(path, file.path).split(sep).join('/'), ...file });
    } else {
      files.push({ name: basename(path), path, size: target.size });
    }
  }
  if (files.length === 0) throw new UsageError(`Nothing to push: ${paths.join(', ')} holds no files.`);
  return { files, links };
}

/** What a symlink points at, recorded as followed; a broken link is a usage error naming both ends. */
async function follow(path: string, shown: string, links: FollowedLink[]): Promise<Stats> {
  const target = await readlink(path);
  const info = await stat(path).catch(() => {
    throw new UsageError(`${shown} is a broken symlink: its target ${target} does not exist. Fix or remove the link.`);
  });
  links.push({ path: shown, target });
  return info;
}

/** Every file under `dir`, sorted by name; `folders` are the real paths of the folders being walked, to stop link cycles. */
async function walk(dir: string, shown: string, folders: string[], links: FollowedLink[]): Promise<Array<{ path: string; size: number }>> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: Array<{ path: string; size: number }> = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const shownPath = join(shown, entry.name);
    const info = entry.isSymbolicLink() ? await follow(path, shownPath, links) : entry;
    if (info.isDirectory()) {
      const real = entry.isSymbolicLink() ? await realpath(path) : join(folders.at(-1)!, entry.name);
      if (entry.isSymbolicLink() && folders.some((folder) => isWithin(folder, real))) {
        throw new UsageError(`${shownPath} is a symlink to a folder that contains it (${real}); following it would never end. Remove the link.`);
      }
      files.push(...(await walk(path, shownPath, [...folders, real], links)));
    } else if (info.isFile()) {
      files.push({ path, size: (await stat(path)).size });
    }
  }
  return files;
}

/** True when `path` is `folder` or lies inside it. */
function isWithin(path: string, folder: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (!isAbsolute(rest) && rest.split(sep)[0] !== '..');
}

/** Reads `[artifact=]value` options: a value for one artifact, or, without a name, for every artifact. */
function perArtifact<T>(values: string[] = [], option: string, names: Set<string>, parse: (value: string) => T): (name: string) => T | undefined {
  let fallback: T | undefined;
  const byName = new Map<string, T>();
  for (const text of values) {
    if (!text.includes('=')) {
      fallback = parse(text);
      continue;
    }
    const [name, value] = splitKeyValue(text, option);
    if (!names.has(name)) throw new UsageError(`${option} ${text}: no artifact named "${name}" in this push (artifacts: ${[...names].join(', ')}).`);
    byName.set(name, parse(value));
  }
  return (name) => byName.get(name) ?? fallback;
}

function buildArtifacts(files: FoundFile[], options: PushOptions): ArtifactInput[] {
  const names = new Set(files.map((file) => file.name));
  const kindOf = perArtifact(options.kind, '--kind', names, (kind) => {
    if (!(ARTIFACT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind ${kind}: expected one of ${ARTIFACT_KINDS.join(', ')}.`);
    return kind as ArtifactKind;
  });
  const foldOf = perArtifact(options.fold, '--fold', names, (fold) => parseCount(fold, '--fold', 0));
  const branchOf = perArtifact(options.branch, '--branch', names, (path) => parseBranch(path, '--branch'));
  const dependsOnOf = perArtifact(options.dependsOn, '--depends-on', names, (list) => list.split(',').filter(Boolean));
  return files.map(({ name, path }) => {
    const [fold, branch] = [foldOf(name), branchOf(name)];
    return { name, body: path, kind: kindOf(name) ?? 'model', dependsOn: dependsOnOf(name) ?? [], ...(fold === undefined ? {} : { fold }), ...(branch === undefined ? {} : { branch }) };
  });
}

async function buildMeta(options: PushOptions): Promise<PushMeta> {
  const metricsFile = options.metrics === undefined ? {} : await readJsonObject(options.metrics, '--metrics');
  for (const [name, value] of Object.entries(metricsFile)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UsageError(`--metrics ${options.metrics}: metric "${name}" must be a finite number.`);
  }
  const params = options.params === undefined ? {} : await readJsonObject(options.params, '--params');
  const dataRange = { ...(options.dataStart ? { start: options.dataStart } : {}), ...(options.dataEnd ? { end: options.dataEnd } : {}) };
  return {
    metrics: { ...(metricsFile as Record<string, number>), ...keyValues(options.metric, '--metric', (value, name) => parseNumber(value, `Metric "${name}"`)) },
    params: { ...params, ...keyValues(options.param, '--param', parseParamValue) },
    tags: keyValues(options.tag, '--tag'),
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(Object.keys(dataRange).length > 0 ? { dataRange } : {}),
    dependencies: (options.dependency ?? []).map((text) => {
      const equals = text.indexOf('=');
      return equals === -1 ? { ref: text } : { role: text.slice(0, equals), ref: text.slice(equals + 1) };
    }),
  };
}

/** `--param depth=6` records a number, `--param name=xgb` a string, `--param 'layers=[64,32]'` an array. */
function parseParamValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
