import { z } from 'zod';
import { type BlobRef, findMissingBlobs } from '../blobs/blob-presence.js';
import { writeUnderLease } from '../maintenance/leased-write.js';
import { parseScope, scopeLabel } from '../registry/deletion.js';
import { openStore } from '../registry/open-registry.js';
import { type RegistryParts, registryParts } from '../registry/parts.js';
import { parseOptions } from '../util/parse-options.js';
import { copyAliases } from './alias-copy.js';
import { type LabelledBlob, copyBlobs } from './blob-copy.js';
import { type PendingVersion, planCopy } from './copy-plan.js';
import type { CopyEndpoint, CopyOptions, CopyReport } from './copy-types.js';
import { type CommittedVersions, commitVersions, createManifest } from './version-commit.js';

const copyOptionsSchema = z.strictObject({
  scope: z.union([z.string(), z.strictObject({ store: z.string(), product: z.string().optional(), type: z.string().optional() })]).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  dryRun: z.boolean().optional(),
  onProgress: z.custom<CopyOptions['onProgress']>((value) => typeof value === 'function', { message: 'must be a function' }).optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

/**
 * Copies versions (same numbers, manifests byte for byte), the blobs they need and the aliases of
 * their lines, with their history, from one registry to another on any backends. Safe to run
 * again: what the destination holds is not sent again, so a run after an interruption, or after
 * new pushes at the source, copies only what is missing. At the destination it writes as a push
 * does (a lease on the blobs so a gc keeps them, blobs first, then manifests create-only, then
 * aliases by compare-and-swap) and never overwrites: a version or alias the destination holds
 * differently is reported as a conflict. See docs/copy.md.
 */
export async function copyRegistry(from: CopyEndpoint, to: CopyEndpoint, options: CopyOptions = {}): Promise<CopyReport> {
  const { scope: scopeInput, concurrency: requested, dryRun = false, onProgress, signal } = parseOptions(copyOptionsSchema, options, 'copy options');
  const [source, destination] = await Promise.all([openEndpoint(from), openEndpoint(to)]);
  const scope = scopeInput === undefined ? undefined : parseScope(scopeInput, 'copy');
  const concurrency = requested ?? destination.settings.concurrency;
  if (!dryRun) await destination.writeGuard.assertSafe(signal);

  const plan = await planCopy(source, destination, scope, concurrency, signal);
  const blobs = blobsOf(plan.pending);
  const blobReport = { copied: 0, copiedBytes: 0, present: 0, presentBytes: 0 };
  // Called again after a stall (`restoring`) for the blobs a gc may have taken meanwhile.
  const sendMissing = async (sendSignal: AbortSignal | undefined, restoring = false) => {
    const { present, missing } = await findMissingBlobs(destination.store, destination.keys, blobs, concurrency, sendSignal);
    if (restoring) Object.assign(blobReport, { copied: blobReport.copied + missing.length, copiedBytes: blobReport.copiedBytes + sum(missing) });
    else {
      Object.assign(blobReport, { copied: missing.length, copiedBytes: sum(missing), present: present.length, presentBytes: sum(present) });
      onProgress?.({ type: 'copy-plan', versions: plan.pending.length, blobs: missing.length, bytes: sum(missing) });
    }
    if (!dryRun) await copyBlobs(source, destination, missing, concurrency, onProgress, sendSignal);
  };

  let committed: CommittedVersions;
  if (dryRun || plan.pending.length === 0) {
    await sendMissing(signal);
    committed = await commitVersions(plan.pending, plan.conflicts, async () => 'copied', concurrency, signal);
  } else {
    const scope = { digests: blobs.map((blob) => blob.digest), lines: plan.pending.map((version) => version.name) };
    committed = await writeUnderLease(destination.store, destination.keys, scope, {
      storeBlobs: (sendSignal) => sendMissing(sendSignal),
      commit: () => commitVersions(plan.pending, plan.conflicts, (version, versionSignal) => createManifest(destination, version, versionSignal), concurrency, signal),
      storeAgain: (sendSignal) => sendMissing(sendSignal, true),
      withdraw: (done) => destination.store.delete(done.copied.map((version) => destination.keys.manifestKey(version.name, version.version))),
      describe: (done) => `The copy of ${done.copied.map((version) => version.ref).join(', ')}`,
    }, signal);
  }

  const copied = committed.copied.map((version) => version.ref);
  const unchanged = [...plan.unchanged, ...committed.unchanged].sort(byRef);
  const aliases = await copyAliases(source, destination, plan.lines, new Set([...copied, ...unchanged]), dryRun, concurrency, signal);
  return {
    dryRun,
    from: source.location,
    to: destination.location,
    scope: scope === undefined ? null : scopeLabel(scope),
    versions: { copied: copied.sort(byRef), unchanged, conflicts: [...plan.conflicts, ...committed.conflicts].sort((a, b) => byRef(a.ref, b.ref)) },
    aliases,
    blobs: blobReport,
    skipped: plan.skipped,
  };
}

async function openEndpoint(endpoint: CopyEndpoint): Promise<RegistryParts> {
  return registryParts(typeof endpoint === 'string' ? { backend: await openStore(endpoint) } : endpoint);
}

/** Every blob the pending versions reference, once, labelled with the first version and artifact that holds it. */
function blobsOf(pending: readonly PendingVersion[]): LabelledBlob[] {
  const blobs = new Map<string, LabelledBlob>();
  for (const version of pending) {
    for (const artifact of version.manifest.artifacts) {
      if (!blobs.has(artifact.digest)) blobs.set(artifact.digest, { digest: artifact.digest, size: artifact.size, label: `${version.ref} artifact "${artifact.name}"` });
    }
  }
  return [...blobs.values()];
}

const sum = (blobs: readonly BlobRef[]) => blobs.reduce((total, blob) => total + blob.size, 0);
const byRef = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
