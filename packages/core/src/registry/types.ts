import type { DownloadOptions } from '../blobs/blob-store.js';
import type { Digest } from '../format/digest.js';
import type { AliasDocument } from '../format/alias-document.js';
import type { LineFilter, ModelName } from '../format/keys.js';
import type { Manifest } from '../format/manifest.js';
import type { RefInput } from '../format/refs.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';
import type { ManifestComparison } from './compare.js';
import type { ArtifactSelection } from '../selection/artifact-selection.js';

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface ScanCallOptions extends CallOptions {
  /** Receives each entry under models/ that is not a valid v2 manifest; the scan skips it. @default a process warning */
  onUnreadable?: ((entry: UnreadableEntry) => void) | undefined;
}

export type ProgressEvent =
  | { type: 'artifact-start'; artifact: string; size: number | undefined }
  /** Bytes of this artifact sent or received so far; a push may send none (the blob existed). */
  | { type: 'artifact-progress'; artifact: string; size: number | undefined; transferredBytes: number }
  | { type: 'artifact-done'; artifact: string; size: number; transferredBytes: number };

export interface TransferOptions extends CallOptions {
  /** Called as each artifact starts, as its bytes move, and when it is done. */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

/** Which artifacts to pull (`artifacts`, `kinds`, `folds`, `branch`): see `ArtifactSelection`. @default every artifact */
export interface PullOptions extends TransferOptions, ArtifactSelection {
  /**
   * fsync each file before renaming it into place, so pulled files survive a power loss. Off by
   * default: every file is verified before it appears, so a crashed or failed pull never leaves a
   * partial file, and a pull into a serverless function's scratch disk gains nothing from fsync.
   * @default false
   */
  durable?: boolean | undefined;
}

export interface ResolvedVersion extends ModelName {
  version: number;
  /** `store/product/type@<version>` */
  ref: string;
}

export interface PushResult extends ResolvedVersion {
  manifest: Manifest;
  /** Blob bytes actually sent: 0 when every file was already stored. */
  uploadedBytes: number;
  /** Artifacts whose bytes were already stored and were reused. */
  reusedArtifacts: string[];
}

export interface PullResult extends ResolvedVersion {
  manifest: Manifest;
  /** Local path of every pulled artifact, by artifact name, in manifest order. */
  files: Record<string, string>;
}

export interface VersionInfo extends ResolvedVersion {
  manifest: Manifest;
  /** Aliases currently pointing at this version. */
  aliases: string[];
}

export interface AliasInfo extends ModelName {
  alias: string;
  version: number;
  /** The version the alias points at, as `store/product/type@<version>`. */
  ref: string;
  previous: number[];
  history: AliasDocument['history'];
}

export interface MetricRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface ListFilter extends LineFilter {
  /** Every tag given must be present with this value. */
  tags?: Record<string, string>;
  /** Every metric given must be present and within its range. */
  metrics?: Record<string, MetricRange>;
  /** Only the newest version of each model line. @default false */
  latestOnly?: boolean;
}

export interface Comparison extends ManifestComparison {
  a: ResolvedVersion;
  b: ResolvedVersion;
}

export type { FoldSet } from '../selection/artifact-selection.js';

export interface StackPull {
  meta: PullResult;
  /** Every version the meta-model needs, transitively, dependencies first; `via` is the version that declared it, with `role`. */
  sources: Array<{ role: string; via: string; pulled: PullResult }>;
}

/** The read API a loader needs; `Registry` implements it, and so may a wrapper around one. */
export interface RegistryReadApi {
  /** Where the registry lives, for messages; also what keeps loader caches of different registries apart. */
  readonly location: string;
  resolve(ref: RefInput, options?: CallOptions): Promise<ResolvedVersion>;
  readManifest(name: ModelName, version: number, options?: CallOptions): Promise<Manifest>;
  /** Downloads one blob into a new file at `path`, verified; the caller publishes the file or removes it. */
  downloadBlob(blob: { digest: Digest; size: number }, label: string, path: string, options: DownloadOptions): Promise<void>;
}
