import { type ObjectStore, type Registry, type RegistryConfig, UnsafeStoreError, createRegistry } from '@modelreg/core';
import { parseOptions } from '@modelreg/core/backend';
import { z } from 'zod';
import { azurePlace } from './places/azure.js';
import { localPlace } from './places/local.js';
import { memoryPlace } from './places/memory.js';
import type { Place } from './places/place.js';
import { s3Place } from './places/s3.js';
import { type SeededVersion, seedRegistry } from './seed.js';
import type { SeedSpec } from './seed-spec.js';
import { MINIO_IMAGE } from './servers/minio.js';
import { type ServerLease, acquireServer } from './servers/pool.js';
import type { Connections, ServerKind } from './servers/types.js';

export type TestBackend = 'memory' | 'local' | 's3' | 'azure';

export interface TestRegistryOptions<B extends TestBackend = TestBackend> {
  /** `memory` (this process only), `local` (a temp folder), `s3` or `azure` (a server found or started, see README). */
  backend: B;
  /** Versions to push before the registry is handed over. @default none */
  seed?: SeedSpec;
  /** Registry settings other than `backend` and `prefix`, e.g. `{ gcGracePeriodMs: 1000 }`. @default {} */
  config?: Omit<RegistryConfig, 'backend' | 'prefix'>;
  /** A word in the temp folder, bucket, container or prefix name, to tell test registries apart: lowercase letters, digits, single hyphens. @default 'test' */
  label?: string;
}

export interface TestRegistry<B extends TestBackend = TestBackend> {
  backend: B;
  registry: Registry;
  /** The store under the registry, e.g. to look at keys or damage an object in a test. */
  store: ObjectStore;
  /** The registry URL for `openRegistry` or the CLI's `--registry`; undefined for `memory`, which lives in this process only. */
  url: B extends 'memory' ? undefined : string;
  /** Variables a child process needs besides `url` to open the registry (S3 credentials and region); `{}` for the others. */
  env: Record<string, string>;
  /** What the registry runs on, for logs. */
  description: string;
  /** What the seed pushed, in order. */
  seeded: SeededVersion[];
  /** Deletes everything this registry created, and stops a server started for it once no other registry uses it. Safe to call twice. */
  stop(): Promise<void>;
}

const optionsSchema = z.strictObject({
  backend: z.enum(['memory', 'local', 's3', 'azure']),
  seed: z.record(z.string(), z.unknown()).optional(), // checked by the seed itself
  config: z.record(z.string(), z.unknown()).default({}), // checked by the registry
  label: z
    .string()
    .max(20)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase letters and digits, words joined by single hyphens')
    .default('test'),
});

/**
 * A throwaway registry for one test (or one test file):
 *
 * ```ts
 * const { registry, url, stop } = await startTestRegistry({ backend: 's3', seed: { 'shop/sales/xgb': { files: { 'model.bin': 'weights' }, aliases: ['production'] } } });
 * ```
 *
 * Each call gets its own temp folder, bucket, container or prefix. Servers are shared by every
 * registry of the process and started at most once (see `startTestServers` to share them across processes).
 */
export async function startTestRegistry<B extends TestBackend>(options: TestRegistryOptions<B>): Promise<TestRegistry<B>> {
  const { backend, seed, config, label } = parseOptions(optionsSchema, options, 'startTestRegistry options');
  const { place, lease } = await openPlace(backend, label);
  const stop = once(async () => {
    try {
      await place.remove();
    } finally {
      await lease?.release();
    }
  });
  try {
    const registry = createRegistry({ ...config, backend: place.store });
    if (config.allowUnsafeStore !== true) await assertConditionalWrites(place.store);
    const seeded = seed === undefined ? [] : await seedRegistry(registry, seed as SeedSpec);
    const description = lease === undefined ? place.store.description : `${place.store.description} on ${lease.server.description}`;
    return { backend: backend as B, registry, store: place.store, url: place.url as TestRegistry<B>['url'], env: place.env, description, seeded, stop };
  } catch (error) {
    await stop().catch(() => {}); // the first error is the one worth reporting
    throw error;
  }
}

interface Opened {
  place: Place;
  /** The server the place is on, released by `stop`. */
  lease?: ServerLease<ServerKind>;
}

function openPlace(backend: TestBackend, label: string): Promise<Opened> {
  switch (backend) {
    case 'memory':
      return Promise.resolve({ place: memoryPlace() });
    case 'local':
      return localPlace(label).then((place) => ({ place }));
    case 's3':
      return onServer('s3', (connection) => s3Place(connection, label));
    case 'azure':
      return onServer('azure', (connection) => azurePlace(connection, label));
  }
}

async function onServer<K extends ServerKind>(kind: K, open: (connection: Connections[K]) => Promise<Place>): Promise<Opened> {
  const lease = await acquireServer(kind);
  try {
    return { place: await open(lease.server.connection), lease };
  } catch (error) {
    await lease.release();
    throw error;
  }
}

/** Fails at start, not at the first push, on a server that ignores conditional writes (s3rver, MinIO before 2024-05). */
async function assertConditionalWrites(store: ObjectStore): Promise<void> {
  const capabilities = (await store.verifyCapabilities?.()) ?? store.capabilities;
  if (capabilities.conditionalWrites) return;
  throw new UnsafeStoreError(
    `${store.description} does not enforce If-None-Match / If-Match on writes, which the registry needs for versions and aliases ` +
      `(MinIO enforces both from RELEASE.2025-09-07T16-13-09Z; the test kit's image is ${MINIO_IMAGE}). ` +
      'Use such a server, or pass config: { allowUnsafeStore: true } for tests with a single writer.',
  );
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}
