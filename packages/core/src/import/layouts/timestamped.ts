import { lstat, readFile, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { interpretMetadata, legacyTime } from '../legacy-metadata.js';
import { readModelFolder } from '../model-folder.js';
import type { UnmappedSource } from '../plan.js';
import { type LayoutScan, type LegacyAlias, type LegacyLayout, type LegacyModel, isDirectory, visibleEntries } from './layout.js';

const TIMESTAMP = /^\d{8}_\d{6}$/;
const REGISTRY_FILE = 'registry.json';
const PROMOTED = 'promoted in the legacy registry';

const registrySchema = z.looseObject({
  production: z.string().optional().catch(undefined),
  production_version: z.string().optional().catch(undefined),
  versions: z.union([z.record(z.string(), z.record(z.string(), z.unknown())), z.array(z.looseObject({ version: z.string() }))]).optional().catch(undefined),
  history: z.array(z.looseObject({ version: z.string(), promoted_at: z.string().optional(), at: z.string().optional() })).optional().catch(undefined),
});

/**
 * `<model_name>/<YYYYMMDD_HHMMSS>/` version folders with `metadata.json`, and a `production` symlink
 * (or `production/latest`) or a `registry.json` naming the production version and its promotions.
 * Timestamps become versions in time order and the creation time; the label is kept as a tag.
 */
export const timestampedLayout: LegacyLayout = {
  name: 'timestamped',
  async detect(root) {
    if (await hasTimestampFolders(root)) return true;
    for (const name of await visibleEntries(root)) if (await hasTimestampFolders(join(root, name))) return true;
    return false;
  },
  async scan(root): Promise<LayoutScan> {
    const scan: LayoutScan = { models: [], aliases: [], unmapped: [] };
    if (await hasTimestampFolders(root)) {
      await scanModel(root, '', basename(root), scan);
      return scan;
    }
    for (const name of await visibleEntries(root)) {
      if (await hasTimestampFolders(join(root, name))) await scanModel(join(root, name), `${name}/`, name, scan);
      else scan.unmapped.push({ source: name, reason: 'it holds no YYYYMMDD_HHMMSS version folders' });
    }
    return scan;
  },
};

async function hasTimestampFolders(dir: string): Promise<boolean> {
  for (const name of await visibleEntries(dir)) if (TIMESTAMP.test(name) && (await isDirectory(join(dir, name)))) return true;
  return false;
}

async function scanModel(dir: string, prefix: string, modelName: string, scan: LayoutScan): Promise<void> {
  const registry = await readRegistryFile(join(dir, REGISTRY_FILE), `${prefix}${REGISTRY_FILE}`, scan.unmapped);
  const models: LegacyModel[] = [];
  for (const entry of await visibleEntries(dir)) {
    if (entry === REGISTRY_FILE || entry === 'production') continue;
    const source = `${prefix}${entry}`;
    if (!TIMESTAMP.test(entry) || !(await isDirectory(join(dir, entry)))) {
      scan.unmapped.push({ source, reason: 'not a YYYYMMDD_HHMMSS version folder' });
      continue;
    }
    const read = await readModelFolder(join(dir, entry));
    if ('problem' in read) {
      scan.unmapped.push({ source, reason: read.problem });
      continue;
    }
    const { ids, meta } = read.metadata;
    const fromRegistry = interpretMetadata(registry?.versions.get(entry) ?? {})!.meta;
    models.push({
      source,
      idSource: modelName,
      ids,
      fallbackIds: { product: modelName },
      artifacts: read.artifacts,
      meta: {
        ...fromRegistry,
        ...meta,
        metrics: { ...fromRegistry.metrics, ...meta.metrics },
        params: { ...fromRegistry.params, ...meta.params },
        tags: { ...fromRegistry.tags, ...meta.tags, 'legacy.version': entry },
        ...(meta.dataRange ?? fromRegistry.dataRange ? { dataRange: meta.dataRange ?? fromRegistry.dataRange } : {}),
        createdAt: legacyTime(entry)!,
      },
    });
  }
  scan.models.push(...models);
  const production = registry?.production ?? (await productionLink(dir, prefix, scan.unmapped));
  const alias = productionAlias(models, prefix, production, registry);
  if (alias) scan.aliases.push(alias);
  else if (production !== undefined && !models.some((model) => model.source === `${prefix}${production}`)) {
    scan.unmapped.push({ source: `${prefix}production`, reason: `it points at ${production}, which is not an imported version folder` });
  }
}

interface LegacyRegistry {
  production: string | undefined;
  versions: Map<string, Record<string, unknown>>;
  history: Array<{ version: string; at: string | undefined }>;
}

async function readRegistryFile(path: string, source: string, unmapped: UnmappedSource[]): Promise<LegacyRegistry | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let data: z.output<typeof registrySchema>;
  try {
    data = registrySchema.parse(JSON.parse(text));
  } catch (error) {
    unmapped.push({ source, reason: `not a readable registry file (${(error as Error).message.split('\n')[0]})` });
    return undefined;
  }
  const versions = new Map<string, Record<string, unknown>>(
    Array.isArray(data.versions) ? data.versions.map((entry) => [entry.version, entry]) : Object.entries(data.versions ?? {}),
  );
  const history = (data.history ?? []).map((event) => ({ version: event.version, at: legacyTime(event.promoted_at ?? event.at) }));
  return { production: data.production ?? data.production_version, versions, history };
}

/** The version folder `production` (a symlink) or `production/latest` points at. */
async function productionLink(dir: string, prefix: string, unmapped: UnmappedSource[]): Promise<string | undefined> {
  for (const link of ['production', 'production/latest']) {
    const info = await lstat(join(dir, link)).catch(() => undefined);
    if (info?.isSymbolicLink()) return basename(await readlink(join(dir, link)));
  }
  if (await isDirectory(join(dir, 'production'))) unmapped.push({ source: `${prefix}production`, reason: 'a production folder without a symlink to a version (a copied folder is not recognized)' });
  return undefined;
}

/**
 * The production alias with its promotions, oldest first: the registry file's history, else the
 * versions' own `promoted_at`; the current production version is always the last move.
 */
function productionAlias(models: LegacyModel[], prefix: string, production: string | undefined, registry: LegacyRegistry | undefined): LegacyAlias | undefined {
  if (production === undefined || !models.some((model) => model.source === `${prefix}${production}`)) return undefined;
  const promotedAt = (model: LegacyModel) => legacyTime(model.meta.tags['legacy.promoted_at'] ?? String(registry?.versions.get(basename(model.source))?.promoted_at ?? ''));
  const history = registry?.history.length
    ? registry.history
    : models
        .map((model) => ({ version: basename(model.source), at: promotedAt(model) }))
        .filter((event) => event.at !== undefined)
        .sort((a, b) => a.at!.localeCompare(b.at!));
  const known = history.filter((event) => models.some((model) => model.source === `${prefix}${event.version}`));
  if (known.at(-1)?.version !== production) known.push({ version: production, at: undefined });
  return { alias: 'production', moves: known.map((event) => ({ source: `${prefix}${event.version}`, at: event.at, reason: PROMOTED })) };
}
