import { join } from 'node:path';
import { METADATA_FILE, readModelFolder } from '../model-folder.js';
import type { UnmappedSource } from '../plan.js';
import { type LayoutScan, type LegacyLayout, type LegacyModel, childFolders, isDirectory, isFile, modelsFolder, visibleEntries } from './layout.js';

const LEVELS = ['a store folder', 'a product folder', 'a model type folder', 'a model instance folder'] as const;

/** `models/<store_id>/<product_id>/<model_type>/<instance>/`, each instance a model folder; instances of a line are versions by creation time. */
export const hierarchicalLayout: LegacyLayout = {
  name: 'hierarchical',
  async detect(root) {
    const { dir } = await modelsFolder(root);
    return (await findInstance(dir, 0)) !== undefined;
  },
  async scan(root): Promise<LayoutScan> {
    const { dir, prefix } = await modelsFolder(root);
    const unmapped: UnmappedSource[] = [];
    const models: LegacyModel[] = [];
    for (const store of await childFolders(dir, prefix, unmapped, LEVELS[0])) {
      const storeDir = join(dir, store);
      const products = await childFolders(storeDir, `${prefix}${store}/`, unmapped, LEVELS[1]);
      if (products.length === 0) unmapped.push({ source: `${prefix}${store}`, reason: 'a store folder without product folders' });
      for (const product of products) {
        const productDir = join(storeDir, product);
        for (const type of await childFolders(productDir, `${prefix}${store}/${product}/`, unmapped, LEVELS[2])) {
          const typeDir = join(productDir, type);
          const base = `${prefix}${store}/${product}/${type}/`;
          const instances = await childFolders(typeDir, base, unmapped, LEVELS[3]);
          if (instances.length === 0) unmapped.push({ source: base.slice(0, -1), reason: 'a model type folder without instance folders' });
          for (const instance of instances) {
            const folder = await readModelFolder(join(typeDir, instance));
            if ('problem' in folder) {
              unmapped.push({ source: `${base}${instance}`, reason: folder.problem });
              continue;
            }
            // The folders say where the model lived: they win over what its metadata claims.
            const { meta } = folder.metadata;
            meta.tags['legacy.instance'] = instance;
            models.push({ source: `${base}${instance}`, idSource: instance, ids: { store, product, type }, artifacts: folder.artifacts, meta });
          }
        }
      }
    }
    return { models, aliases: [], unmapped };
  },
};

/** Some `<store>/<product>/<type>/<instance>/metadata.json` below `dir`, searched depth first. */
async function findInstance(dir: string, depth: number): Promise<string | undefined> {
  if (depth === 4) return (await isFile(join(dir, METADATA_FILE))) ? dir : undefined;
  if (depth > 0 && (await isFile(join(dir, METADATA_FILE)))) return undefined; // a flat model folder
  for (const name of await visibleEntries(dir)) {
    const child = join(dir, name);
    if (!(await isDirectory(child))) continue;
    const found = await findInstance(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}
