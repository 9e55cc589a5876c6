import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PartialLine } from '../legacy-metadata.js';
import type { LayoutName, PlannedArtifact, PlannedMeta, UnmappedSource } from '../plan.js';

/** A model found in a legacy tree, before its model line is settled. */
export interface LegacyModel {
  source: string;
  /** The folder name `--id-pattern` reads. */
  idSource: string;
  /** Ids the legacy data states (metadata, or the folder structure of hierarchical layouts): they win. */
  ids: PartialLine;
  /** Ids the layout suggests (a model name as product): used when nothing else gives one. */
  fallbackIds?: PartialLine;
  version?: number;
  artifacts: PlannedArtifact[];
  meta: PlannedMeta;
}

/** An alias a legacy system kept, by the sources it pointed at, oldest move first. */
export interface LegacyAlias {
  alias: string;
  moves: Array<{ source: string; at?: string | undefined; reason: string }>;
}

export interface LayoutScan {
  models: LegacyModel[];
  aliases: LegacyAlias[];
  unmapped: UnmappedSource[];
}

/** One legacy folder layout: how to recognize it and how to read the models in it. */
export interface LegacyLayout {
  name: LayoutName;
  detect(root: string): Promise<boolean>;
  scan(root: string): Promise<LayoutScan>;
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Names in a folder, sorted, without hidden ones (`.DS_Store`, `.git`): those are never models. */
export async function visibleEntries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => !name.startsWith('.')).sort();
}

/** `<root>/models` when the tree keeps its models there (as the Python systems did), else the root. */
export async function modelsFolder(root: string): Promise<{ dir: string; prefix: string }> {
  return (await isDirectory(join(root, 'models'))) ? { dir: join(root, 'models'), prefix: 'models/' } : { dir: root, prefix: '' };
}

/** Sub-folders of `dir`, and the files beside them reported as not being model folders. */
export async function childFolders(dir: string, prefix: string, unmapped: UnmappedSource[], expected: string): Promise<string[]> {
  const folders: string[] = [];
  for (const name of await visibleEntries(dir)) {
    if (await isDirectory(join(dir, name))) folders.push(name);
    else unmapped.push({ source: `${prefix}${name}`, reason: `a file where ${expected} was expected` });
  }
  return folders;
}
