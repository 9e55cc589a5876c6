import type { ArtifactKind } from '../format/manifest.js';
import type { ModelName } from '../format/keys.js';
import type { JsonValue } from '../format/manifest.js';

export const LAYOUT_NAMES = ['flat', 'hierarchical', 'named-versions', 'timestamped', 'manifest-v1'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

/** The tag naming the legacy folder a version came from: how a second run recognizes what it imported. */
export const IMPORT_SOURCE_TAG = 'modelreg.import.source';
/** The legacy layout a version was read from. */
export const IMPORT_LAYOUT_TAG = 'modelreg.import.layout';

/** One file of a legacy model, as it will become an artifact. */
export interface PlannedArtifact {
  name: string;
  /** Absolute path of the legacy file. */
  path: string;
  size: number;
  kind: ArtifactKind;
  dependsOn: string[];
  fold?: number;
}

export interface PlannedMeta {
  description: string;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  params: Record<string, JsonValue>;
  dataRange?: { start?: string; end?: string };
  /** ISO time in UTC the legacy system recorded for the model. */
  createdAt?: string;
}

/** One legacy model folder and the version it becomes. */
export interface PlannedVersion {
  /** The legacy folder, relative to the import root, "/"-separated. */
  source: string;
  line: ModelName;
  /** A version number the legacy system gave and the import keeps; otherwise the next free one. */
  version?: number;
  artifacts: PlannedArtifact[];
  meta: PlannedMeta;
}

/** An alias to set once the versions exist, with its moves oldest first (a legacy promotion history). */
export interface PlannedAlias {
  line: ModelName;
  alias: string;
  moves: Array<{ source: string; at?: string; reason: string }>;
}

/** A legacy folder (or file) the import cannot map, and why. */
export interface UnmappedSource {
  source: string;
  reason: string;
}

/** What an import will do: pure data, shared by `--dry-run` and the real run. */
export interface ImportPlan {
  root: string;
  layout: LayoutName;
  /** True when the layout was detected (`auto`) rather than named. */
  detected: boolean;
  /** In push order: per model line, by kept version number, else by creation time, then source. */
  versions: PlannedVersion[];
  aliases: PlannedAlias[];
  unmapped: UnmappedSource[];
}
