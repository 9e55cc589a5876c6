import { join } from 'node:path';
import { type LegacyMetadata, readLegacyMetadata } from './legacy-metadata.js';
import type { PlannedArtifact } from './plan.js';
import { artifactsFromFiles, filesUnder } from './source-files.js';
import { isFile } from './layouts/layout.js';

export const METADATA_FILE = 'metadata.json';

/**
 * A legacy model folder: its metadata file (`metadata.json` unless named) and every other file as
 * an artifact. A folder without the metadata file is still a model (its ids may come from the
 * folder name); one without other files, or with unreadable metadata, is not.
 */
export async function readModelFolder(
  dir: string,
  sidecar: string = METADATA_FILE,
  skip: (relativePath: string) => boolean = () => false,
): Promise<{ artifacts: PlannedArtifact[]; metadata: LegacyMetadata } | { problem: string }> {
  const files = await filesUnder(dir, (path) => path === sidecar || skip(path));
  if (files.length === 0) return { problem: 'it holds no model files' };
  const artifacts = artifactsFromFiles(files);
  if ('problem' in artifacts) return artifacts;
  if (!(await isFile(join(dir, sidecar)))) return { artifacts, metadata: { ids: {}, meta: { description: '', tags: {}, metrics: {}, params: {} } } };
  const metadata = await readLegacyMetadata(join(dir, sidecar));
  return 'problem' in metadata ? metadata : { artifacts, metadata };
}
