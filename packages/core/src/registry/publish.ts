import type { BlobStore, PreparedBlob, StoredBlob } from '../blobs/blob-store.js';
import { prepareSource } from '../blobs/sources.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { type ModelName, formatName } from '../format/keys.js';
import type { Artifact, Dependency, JsonValue, Manifest } from '../format/manifest.js';
import { writeUnderLease } from '../maintenance/leased-write.js';
import { type RefInput, formatRef, parseRef } from '../format/refs.js';
import { mapBounded } from '../util/concurrency.js';
import type { ResolvedRegistryConfig } from './config.js';
import { reportBytes } from './progress.js';
import { type ArtifactInput, type PushMeta, validatePushInput } from './push-input.js';
import { type VersionAllocation, commitManifest } from './version-allocation.js';
import { type VersionReader, resolvedVersion } from './version-reader.js';
import type { PushResult, TransferOptions } from './types.js';
import type { WriteGuard } from './write-guard.js';

type ValidatedPushInput = ReturnType<typeof validatePushInput>;

export interface Publisher extends VersionAllocation {
  blobs: BlobStore;
  reader: VersionReader;
  writeGuard: WriteGuard;
  settings: Pick<ResolvedRegistryConfig, 'concurrency' | 'modelTypes'>;
}

/**
 * Publishes a new version: hashes every artifact, takes a lease on their digests (so a concurrent
 * gc keeps them), stores the bytes as content-addressed blobs (reusing those already stored), then
 * commits the manifest that references them. See docs/gc.md.
 */
export async function publishVersion(
  publisher: Publisher,
  ref: RefInput,
  artifacts: ArtifactInput[],
  meta: PushMeta,
  options: TransferOptions,
): Promise<PushResult> {
  const target = parseRef(ref);
  if (target.selector.kind === 'alias') {
    throw new InvalidInputError(`Cannot push to alias "${target.selector.alias}": push to ${formatName(target)}, then promote the new version.`);
  }
  const explicitVersion = target.selector.kind === 'version' ? target.selector.version : undefined;
  const name = { store: target.store, product: target.product, type: target.type };
  await publisher.writeGuard.assertSafe(options.signal);
  const input = validatePushInput(artifacts, meta);
  const typeConfig = modelTypeConfig(publisher.settings.modelTypes, name.type);
  const dependencies = await pinDependencies(publisher.reader, input.meta.dependencies, options.signal);
  const sources = await Promise.all(input.artifacts.map((artifact) => prepareSource(artifact.body, artifact.name)));

  const prepared: PreparedBlob[] = [];
  try {
    await mapBounded(input.artifacts, publisher.settings.concurrency, options.signal, async (artifact, signal, index) => {
      const source = sources[index]!;
      const size = source.kind === 'file' ? source.size : source.kind === 'bytes' ? source.data.length : undefined;
      options.onProgress?.({ type: 'artifact-start', artifact: artifact.name, size });
      prepared[index] = await publisher.blobs.prepare(source, { signal, onBytes: reportBytes(options.onProgress, artifact.name, size) });
    });
    const digests = prepared.map((blob) => blob.digest);
    let stored: StoredBlob[] = [];
    const manifest = await writeUnderLease(publisher.store, publisher.keys, { digests, lines: [name] }, {
      storeBlobs: async (signal) => {
        stored = await mapBounded(input.artifacts, publisher.settings.concurrency, signal, async (artifact, blobSignal, index) => {
          const blob = await prepared[index]!.store({ signal: blobSignal, onBytes: reportBytes(options.onProgress, artifact.name, prepared[index]!.size) });
          options.onProgress?.({ type: 'artifact-done', artifact: artifact.name, size: blob.size, transferredBytes: blob.uploadedBytes });
          return blob;
        });
      },
      commit: () => commitManifest(publisher, name, draftOf(input, name, stored, typeConfig?.defaultParams, dependencies), explicitVersion, options.signal),
      storeAgain: async (signal) => {
        await mapBounded(prepared, publisher.settings.concurrency, signal, (blob, blobSignal) => blob.store({ signal: blobSignal }));
      },
      withdraw: (committed) => publisher.store.delete([publisher.keys.manifestKey(committed, committed.version)]),
      describe: (committed) => formatRef(committed),
    }, options.signal);
    return {
      ...resolvedVersion(name, manifest.version),
      manifest,
      uploadedBytes: stored.reduce((sum, blob) => sum + blob.uploadedBytes, 0),
      reusedArtifacts: input.artifacts.filter((_, index) => stored[index]!.reused).map((artifact) => artifact.name),
    };
  } finally {
    await Promise.all(prepared.map((blob) => blob?.release()));
  }
}

function draftOf(
  input: ValidatedPushInput,
  name: ModelName,
  stored: StoredBlob[],
  defaultParams: Record<string, JsonValue> | undefined,
  dependencies: Dependency[],
): Omit<Manifest, 'version'> {
  const manifestArtifacts: Artifact[] = input.artifacts.map((artifact, index) => ({
    name: artifact.name,
    kind: artifact.kind,
    digest: stored[index]!.digest,
    size: stored[index]!.size,
    mediaType: artifact.mediaType,
    dependsOn: artifact.dependsOn,
    ...(artifact.fold === undefined ? {} : { fold: artifact.fold }),
    ...(artifact.branch === undefined ? {} : { branch: artifact.branch }),
  }));
  return {
    schemaVersion: 2 as const,
    ...name,
    createdAt: input.meta.createdAt ?? new Date().toISOString(),
    description: input.meta.description,
    tags: input.meta.tags,
    metrics: input.meta.metrics,
    params: { ...defaultParams, ...input.meta.params },
    ...(input.meta.dataRange ? { dataRange: input.meta.dataRange } : {}),
    dependencies,
    artifacts: manifestArtifacts,
  };
}

function modelTypeConfig(types: ResolvedRegistryConfig['modelTypes'], type: string) {
  if (types === undefined) return undefined;
  const config = types[type];
  if (!config) {
    throw new InvalidInputError(`Model type "${type}" is not allowed by this registry's config; allowed types: ${Object.keys(types).join(', ') || '(none)'}.`);
  }
  return config;
}

/** Resolves each dependency now, so the manifest records the exact version it was built from. */
async function pinDependencies(reader: VersionReader, dependencies: Array<{ ref: RefInput; role: string }>, signal: AbortSignal | undefined): Promise<Dependency[]> {
  return Promise.all(
    dependencies.map(async ({ ref, role }) => {
      const parsed = parseRef(ref);
      if (/[/@]/.test(parsed.store + parsed.product + parsed.type)) {
        throw new InvalidInputError(`Dependency ${JSON.stringify(ref)}: ids with "/" or "@" cannot be recorded as dependencies.`);
      }
      try {
        const resolved = await reader.resolve(parsed, { signal });
        return { ref: resolved.ref, role };
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new InvalidInputError(`Dependency ${formatRef(parsed)} does not exist: ${error.message}`, { cause: error });
      }
    }),
  );
}
