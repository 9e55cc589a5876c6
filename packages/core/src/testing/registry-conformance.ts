import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConflictError, IntegrityError, KeyScheme, Registry, readAll, sha256, type ObjectStore } from '../index.js';
import { gcRaceTests } from './gc-race.js';
import { PrefixedStore, randomPrefix } from './helpers.js';
import { tempDirPerTest } from './temp-dirs.js';

export interface RegistryConformanceOptions {
  name: string;
  createStore: () => ObjectStore | Promise<ObjectStore>;
  destroyStore?: (store: ObjectStore) => Promise<void>;
  /** Concurrent pushers to one model line. @default 8 */
  concurrentPushers?: number;
}

const LINE = 'shop/sales/xgb';

/**
 * End-to-end registry behaviour on a real backend: push, dedup, verified pull, aliases and
 * concurrent version allocation. Each test uses its own registry prefix.
 */
export function runRegistryConformance(options: RegistryConformanceOptions): void {
  const pushers = options.concurrentPushers ?? 8;

  describe(`Registry end to end: ${options.name}`, () => {
    let root: ObjectStore;
    let prefix: string;
    let registry: Registry;
    const workDir = tempDirPerTest('e2e');

    beforeAll(async () => {
      root = await options.createStore();
    });
    afterAll(async () => {
      await options.destroyStore?.(root);
    });
    beforeEach(async () => {
      prefix = randomPrefix('registry');
      registry = new Registry({ backend: root, prefix });
    });
    afterEach(async () => {
      await new PrefixedStore(root, prefix).clear();
    });

    async function sampleFiles() {
      const modelPath = join(workDir.path, 'model.bin');
      await writeFile(modelPath, Buffer.alloc(3 * 1024 * 1024, 7));
      return [
        { name: 'model.bin', body: modelPath },
        { name: 'encoder.json', body: Buffer.from('{"classes":["a","b"]}'), kind: 'encoder' as const, mediaType: 'application/json' },
        { name: 'scaler.pkl', body: Readable.from([Buffer.from('scaler bytes')]), kind: 'transformer' as const },
      ];
    }

    it('pushes, resolves @latest and pulls every artifact back verified', async () => {
      const pushed = await registry.push(LINE, await sampleFiles(), { metrics: { rmse: 1.5 }, tags: { team: 'a' } });
      expect(pushed.version).toBe(1);
      expect(pushed.uploadedBytes).toBe(3 * 1024 * 1024 + 21 + 12);
      expect((await registry.resolve(`${LINE}@latest`)).version).toBe(1);

      const pulled = await registry.pull(`${LINE}@1`, join(workDir.path, 'out'));
      expect(await readFile(pulled.files['encoder.json']!, 'utf8')).toBe('{"classes":["a","b"]}');
      expect(await readFile(pulled.files['scaler.pkl']!, 'utf8')).toBe('scaler bytes');
      expect(sha256(await readFile(pulled.files['model.bin']!))).toBe(pushed.manifest.artifacts[0]!.digest);
      expect(pulled.manifest).toEqual(pushed.manifest);
    });

    it('uploads zero blob bytes when the same files are pushed again', async () => {
      await registry.push(LINE, await sampleFiles());
      const again = await registry.push(LINE, await sampleFiles());
      expect(again.version).toBe(2);
      expect(again.uploadedBytes).toBe(0);
      expect(again.reusedArtifacts.sort()).toEqual(['encoder.json', 'model.bin', 'scaler.pkl']);
    });

    it('promotes, resolves an alias and rolls it back', async () => {
      await registry.push(LINE, [{ name: 'm', body: Buffer.from('one') }]);
      await registry.push(LINE, [{ name: 'm', body: Buffer.from('two') }]);
      await registry.promote(`${LINE}@1`);
      await registry.promote(`${LINE}@2`);
      expect((await registry.resolve(`${LINE}@production`)).version).toBe(2);
      const rolledBack = await registry.rollback(LINE);
      expect(rolledBack.version).toBe(1);
      expect((await registry.resolve(`${LINE}@production`)).version).toBe(1);
      expect(rolledBack.history.map((event) => [event.action, event.version])).toEqual([['set', 1], ['set', 2], ['rollback', 1]]);
    });

    it('refuses an explicit version that is taken', async () => {
      await registry.push(`${LINE}@5`, [{ name: 'm', body: Buffer.from('five') }]);
      await expect(registry.push(`${LINE}@5`, [{ name: 'm', body: Buffer.from('other') }])).rejects.toBeInstanceOf(ConflictError);
      expect((await readAll(await registry.openArtifact(`${LINE}@5`, 'm'))).toString()).toBe('five');
    });

    it(`gives ${pushers} concurrent pushers versions 1..${pushers}, none lost or duplicated`, async () => {
      const results = await Promise.all(
        Array.from({ length: pushers }, (_, i) =>
          new Registry({ backend: root, prefix }).push(LINE, [{ name: 'm', body: Buffer.from(`pusher ${i}`) }], { params: { pusher: i } }),
        ),
      );
      expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual(Array.from({ length: pushers }, (_, i) => i + 1));
      expect(await registry.versions(LINE)).toEqual(Array.from({ length: pushers }, (_, i) => i + 1));
      for (const result of results) {
        const manifest = await registry.manifest(result.ref);
        expect(manifest.params).toEqual(result.manifest.params);
        expect((await readAll(await registry.openArtifact(result.ref, 'm'))).toString()).toBe(`pusher ${manifest.params.pusher}`);
      }
    });

    it('keeps every concurrent alias move in the history', async () => {
      for (let i = 0; i < 4; i++) await registry.push(LINE, [{ name: 'm', body: Buffer.from(`v${i}`) }]);
      await Promise.all([1, 2, 3, 4].map((version) => new Registry({ backend: root, prefix }).setAlias(`${LINE}@${version}`, 'staging')));
      const [staging] = await registry.aliases(LINE);
      expect(staging!.history.map((event) => event.version).sort()).toEqual([1, 2, 3, 4]);
      expect(staging!.version).toBe(staging!.history.at(-1)!.version);
    });

    it('applies retention and garbage-collects the blobs only deleted versions used', async () => {
      for (const text of ['one', 'two', 'three', 'four']) await registry.push(LINE, [{ name: 'm', body: Buffer.from(text) }, { name: 'shared', body: Buffer.from('shared') }]);
      await registry.promote(`${LINE}@1`);
      const retained = await registry.retain({ keep: 2 });
      expect(retained.deleted).toEqual([`${LINE}@2`]);
      expect(retained.protected).toEqual([{ ref: `${LINE}@1`, reason: 'alias' }]);
      expect(await registry.versions(LINE)).toEqual([1, 3, 4]);

      const grace = 4000; // short enough for a test; stores keep whole-second timestamps
      await new Promise((resolve) => setTimeout(resolve, grace + 1200));
      const swept = await registry.gc({ dryRun: false, gracePeriodMs: grace });
      expect(swept).toMatchObject({ scannedBlobs: 5, referencedBlobs: 4, deletedBlobs: 1, freedBytes: 3 });
      expect(await registry.verify()).toMatchObject({ ok: true, checkedBlobs: 4 });
      expect((await readAll(await registry.openArtifact(`${LINE}@1`, 'm'))).toString()).toBe('one');
    });

    it('fails a pull of a tampered blob with IntegrityError and leaves no file behind', async () => {
      const pushed = await registry.push(LINE, [{ name: 'weights.bin', body: Buffer.from('genuine weights') }]);
      await root.put(new KeyScheme(prefix).blobKey(pushed.manifest.artifacts[0]!.digest), Buffer.from('tampered weight'));
      const out = join(workDir.path, 'pulled');
      await expect(registry.pull(pushed.ref, out)).rejects.toBeInstanceOf(IntegrityError);
      expect(await readdir(out).catch(() => [])).toEqual([]);
      await expect(readAll(await registry.openArtifact(pushed.ref, 'weights.bin'))).rejects.toBeInstanceOf(IntegrityError);
    });

    describe('garbage collection beside concurrent pushes', () => gcRaceTests(() => registry));
  });
}
