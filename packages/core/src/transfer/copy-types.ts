import type { RegistryConfig } from '../registry/config.js';
import type { PurgeScope } from '../registry/deletion.js';
import type { ProgressEvent } from '../registry/types.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';

/** One end of a copy: a registry URL (as for `openRegistry`) or a registry config. */
export type CopyEndpoint = string | RegistryConfig;

/**
 * What a copy reports as it goes: first its plan (the blobs it must send), then the bytes of each
 * blob as `artifact-*` events whose `artifact` is the blob's digest.
 */
export type CopyProgressEvent = { type: 'copy-plan'; versions: number; blobs: number; bytes: number } | ProgressEvent;

export interface CopyOptions {
  /** A store (`'shop'`), a product (`'shop/sales'`) or a model line (`'shop/sales/xgb'`). @default everything */
  scope?: string | PurgeScope | undefined;
  /** Blobs copied at once. @default the destination registry's `concurrency` (4) */
  concurrency?: number | undefined;
  /** Report what would be copied without writing anything. @default false */
  dryRun?: boolean | undefined;
  onProgress?: ((event: CopyProgressEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** Something the copy did not do, and why; a version or alias in conflict is never overwritten. */
export interface CopyConflict {
  /** `store/product/type@7`, or `store/product/type@production` for an alias. */
  ref: string;
  reason: string;
}

export interface CopyReport {
  dryRun: boolean;
  from: string;
  to: string;
  /** The scope as `store`, `store/product` or `store/product/type`; null for the whole registry. */
  scope: string | null;
  versions: {
    /** Versions written at the destination (in a dry run: that would be). */
    copied: string[];
    /** Versions the destination already held with the same manifest bytes. */
    unchanged: string[];
    /** Versions the destination holds with a different manifest, and versions depending on such. */
    conflicts: CopyConflict[];
  };
  aliases: {
    /** Aliases the destination did not have. */
    copied: string[];
    /** Aliases whose destination history was an earlier part of the source's (fast-forwarded). */
    updated: string[];
    unchanged: string[];
    /** Aliases moved at the destination since an earlier copy (the source's history is an earlier part of the destination's): left alone. */
    kept: string[];
    /** Aliases whose histories diverged, or whose target was not copied: left alone. */
    conflicts: CopyConflict[];
  };
  blobs: {
    /** Blobs sent (in a dry run: that would be) and their bytes. */
    copied: number;
    copiedBytes: number;
    /** Blobs the destination already held. */
    present: number;
    presentBytes: number;
  };
  /** Source entries left out: keys under models/ that are not v2 manifests, dependencies missing at the source. */
  skipped: UnreadableEntry[];
}
