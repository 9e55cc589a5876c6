import { beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GuardedStore, IntegrityError, InvalidInputError, InvalidManifestError, KeyScheme, createRegistry, type ObjectStore } from '@modelreg/core';
import { tempDirPerTest } from '@modelreg/core/testing';
import { INTERNAL_FOLDER, LocalStore } from '../src/index.js';

const root = tempDirPerTest('local');
let store: LocalStore;

beforeEach(async () => {
  store = new LocalStore({ root: root.path });
});

async function snapshot(target: ObjectStore): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for await (const entry of target.list('')) if (entry.type === 'object') entries[entry.key] = entry.etag;
  return entries;
}

describe('LocalStore', () => {
  it('validates its options, naming the field', () => {
    expect(() => new LocalStore({ root: '' })).toThrow(/Invalid LocalStore options: root: must name a folder/);
    expect(() => new LocalStore({ root: root.path, fsync: true } as never)).toThrow(InvalidInputError);
  });

  it('refuses keys that could escape the folder or reach its own files', async () => {
    // Core's guard refuses the keys no store may take; the store adds what only a folder needs.
    const guarded = new GuardedStore(store);
    for (const key of ['a/../../etc/passwd', '/abs', 'a//b', `${INTERNAL_FOLDER}/tmp/x`, 'a\\b']) {
      await expect(async () => guarded.put(key, Buffer.from('x'))).rejects.toThrow(InvalidInputError);
    }
    for (const key of [`${INTERNAL_FOLDER}/tmp/x`, 'a\\b']) {
      await expect(store.put(key, Buffer.from('x'))).rejects.toThrow(InvalidInputError);
    }
  });

  it('leaves no object and no temp file when a streamed body fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024 * 1024));
        this.destroy(new Error('network dropped'));
      },
    });
    await expect(store.put('model.bin', failing)).rejects.toThrow(/network dropped/);
    expect(await snapshot(store)).toEqual({});
    expect(await readdir(join(root.path, INTERNAL_FOLDER, 'tmp'))).toEqual([]);
  });

  it('never lists its temp files, even ones a crashed process left behind', async () => {
    await store.put('a/object', Buffer.from('x'));
    await writeFile(join(root.path, INTERNAL_FOLDER, 'tmp', 'left-by-a-crash'), 'partial');
    expect(Object.keys(await snapshot(store))).toEqual(['a/object']);
  });

  it('removes folders emptied by deletes so they are not listed as prefixes', async () => {
    await store.put('models/s/p/t/1/manifest.json', Buffer.from('{}'));
    await store.put('models/s/p/t/2/manifest.json', Buffer.from('{}'));
    await store.delete(['models/s/p/t/1/manifest.json']);
    const prefixes: string[] = [];
    for await (const entry of store.list('models/s/p/t/', { delimiter: '/' })) if (entry.type === 'prefix') prefixes.push(entry.prefix);
    expect(prefixes).toEqual(['models/s/p/t/2/']);
    expect(await readdir(join(root.path, 'models', 's', 'p', 't'))).toEqual(['2']);
  });
});

describe('registry on a local folder', () => {
  it('pushes a file through staging: blob stored once, no temp files left, re-push writes nothing new', async () => {
    const registry = createRegistry({ backend: store });
    const file = join(root.path, '..', `${root.path.split('/').pop()}-model.bin`);
    await writeFile(file, Buffer.alloc(2 * 1024 * 1024, 3));
    try {
      const first = await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: file }]);
      const second = await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: file }]);
      expect([first.uploadedBytes, second.uploadedBytes]).toEqual([2 * 1024 * 1024, 0]);
      expect(await readdir(join(root.path, INTERNAL_FOLDER, 'tmp'))).toEqual([]);
      expect(Object.keys(await snapshot(store)).filter((key) => key.startsWith('blobs/'))).toHaveLength(1);
    } finally {
      await rm(file, { force: true });
    }
  });

  it('pushes and pulls a large file by kernel copies: what is stored is what was hashed, and the pulled file is verified', async () => {
    const registry = createRegistry({ backend: store });
    const file = join(root.path, '..', `${root.path.split('/').pop()}-large.bin`);
    const out = join(root.path, '..', `${root.path.split('/').pop()}-large-out`);
    const original = randomBytes(20 * 1024 * 1024); // above the size hashed on a worker thread
    await writeFile(file, original);
    try {
      const pushed = await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: file }]);
      expect(pushed.manifest.artifacts[0]!.digest).toBe(`sha256:${createHash('sha256').update(original).digest('hex')}`);
      await writeFile(file, 'the source changed after the push');
      await registry.pull(pushed.ref, out);
      expect((await readFile(join(out, 'model.bin'))).equals(original)).toBe(true);
      expect(await readdir(join(root.path, INTERNAL_FOLDER, 'tmp'))).toEqual([]);
    } finally {
      await rm(file, { force: true });
      await rm(out, { recursive: true, force: true });
    }
  });

  it('refuses a blob that grew on disk, by its size, before hashing it', async () => {
    const registry = createRegistry({ backend: store });
    const pushed = await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.from('genuine weights') }]);
    const blobPath = join(root.path, ...new KeyScheme('').blobKey(pushed.manifest.artifacts[0]!.digest).split('/'));
    await appendFile(blobPath, ' and more');
    const out = join(root.path, '..', `${root.path.split('/').pop()}-grown-out`);
    try {
      await expect(registry.pull(pushed.ref, out)).rejects.toThrow(/is 24 bytes in the store but the manifest records 15/);
      expect(await readdir(out)).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('reports a manifest corrupted on disk by key and changes nothing', async () => {
    const registry = createRegistry({ backend: store });
    await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.from('weights') }]);
    const manifestPath = join(root.path, 'models', 'shop', 'sales', 'xgb', '1', 'manifest.json');
    await writeFile(manifestPath, JSON.stringify({ store: 'shop', version: 1 }));
    const before = await snapshot(store);
    await expect(registry.manifest('shop/sales/xgb@1')).rejects.toThrow(InvalidManifestError);
    await expect(registry.manifest('shop/sales/xgb@1')).rejects.toThrow(/models\/shop\/sales\/xgb\/1\/manifest.json has schemaVersion undefined, not 2/);
    expect(await snapshot(store)).toEqual(before);
  });

  it('detects a blob tampered with on disk and leaves no partial file', async () => {
    const registry = createRegistry({ backend: store });
    const pushed = await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.from('genuine weights') }]);
    const blobPath = join(root.path, ...new KeyScheme('').blobKey(pushed.manifest.artifacts[0]!.digest).split('/'));
    await writeFile(blobPath, 'genuine weighTs');
    const out = join(root.path, '..', `${root.path.split('/').pop()}-out`);
    try {
      await expect(registry.pull(pushed.ref, out)).rejects.toBeInstanceOf(IntegrityError);
      expect(await readdir(out)).toEqual([]);
      expect(await readFile(blobPath, 'utf8')).toBe('genuine weighTs'); // evidence kept for verify/repair
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
