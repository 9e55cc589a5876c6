import { join } from 'node:path';
import { readModelFolder } from '../model-folder.js';
import type { UnmappedSource } from '../plan.js';
import { type LayoutScan, type LegacyLayout, type LegacyModel, childFolders, isDirectory, visibleEntries } from './layout.js';

const VERSIONED_NAME = /^(.+)_v([1-9][0-9]*)$/;
/** A JSON sidecar of metadata: `meta.json`, `metadata.json`, `<name>_meta.json`, `<name>.meta.json`. */
const SIDECAR = /(^|[._-])meta(data)?\.json$/i;

/**
 * One folder per model name: version 1 is `<name>/`, version N >= 2 is `<name>_v<N>/`, each with the
 * model files and a JSON sidecar (model type, a group such as a player type, training years, stats,
 * created). Version numbers are kept; the name is the product unless metadata or flags say otherwise.
 */
export const namedVersionsLayout: LegacyLayout = {
  name: 'named-versions',
  async detect(root) {
    const names = new Set(await visibleEntries(root));
    for (const name of names) {
      const versioned = VERSIONED_NAME.exec(name);
      if (versioned && names.has(versioned[1]!) && (await isDirectory(join(root, name)))) return true;
    }
    for (const name of names) {
      const sidecars = (await visibleEntries(join(root, name))).filter((file) => SIDECAR.test(file) && file !== 'metadata.json');
      if (sidecars.length > 0) return true;
    }
    return false;
  },
  async scan(root): Promise<LayoutScan> {
    const unmapped: UnmappedSource[] = [];
    const models: LegacyModel[] = [];
    for (const folder of await childFolders(root, '', unmapped, 'a model folder')) {
      const versioned = VERSIONED_NAME.exec(folder);
      const [name, version] = versioned ? [versioned[1]!, Number(versioned[2])] : [folder, 1];
      if (version === 1 && versioned) {
        unmapped.push({ source: folder, reason: `version 1 of "${name}" is the folder "${name}", not "${folder}"` });
        continue;
      }
      const sidecars = (await visibleEntries(join(root, folder))).filter((file) => SIDECAR.test(file));
      if (sidecars.length !== 1) {
        const reason = sidecars.length === 0 ? 'it has no JSON metadata sidecar (*_meta.json, meta.json, metadata.json)' : `it has several metadata sidecars (${sidecars.join(', ')})`;
        unmapped.push({ source: folder, reason });
        continue;
      }
      const read = await readModelFolder(join(root, folder), sidecars[0]);
      if ('problem' in read) {
        unmapped.push({ source: folder, reason: read.problem });
        continue;
      }
      models.push({ source: folder, idSource: name, ids: read.metadata.ids, fallbackIds: { product: name }, version, artifacts: read.artifacts, meta: read.metadata.meta });
    }
    return { models, aliases: [], unmapped };
  },
};
