import { join } from 'node:path';
import { METADATA_FILE, readModelFolder } from '../model-folder.js';
import type { UnmappedSource } from '../plan.js';
import { type LayoutScan, type LegacyLayout, type LegacyModel, childFolders, isFile, modelsFolder, visibleEntries } from './layout.js';

/** `models/<model_id>/` with the model files, `metadata.json` and optionally `data_splits.json`. */
export const flatLayout: LegacyLayout = {
  name: 'flat',
  async detect(root) {
    const { dir } = await modelsFolder(root);
    for (const name of await visibleEntries(dir)) if (await isFile(join(dir, name, METADATA_FILE))) return true;
    return false;
  },
  async scan(root): Promise<LayoutScan> {
    const { dir, prefix } = await modelsFolder(root);
    const unmapped: UnmappedSource[] = [];
    const models: LegacyModel[] = [];
    for (const name of await childFolders(dir, prefix, unmapped, 'a model folder')) {
      const source = `${prefix}${name}`;
      const folder = await readModelFolder(join(dir, name));
      if ('problem' in folder) unmapped.push({ source, reason: folder.problem });
      else models.push({ source, idSource: name, ids: folder.metadata.ids, artifacts: folder.artifacts, meta: folder.metadata.meta });
    }
    return { models, aliases: [], unmapped };
  },
};
