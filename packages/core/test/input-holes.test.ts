import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pseudoRandomStream } from '../src/testing/helpers.js';
import { tempDirPerTest } from '../src/testing/index.js';
import {
  type ArtifactInput, IntegrityError, InvalidInputError, KeyScheme, type Loader, type Manifest, MemoryStore, NotFoundError, type Registry, createLoader, createRegistry,
  readAll,
} from '../src/index.js';

const keys = new KeyScheme('');
const LINE = 'shop/sales/xgb';
const name = { store: 'shop', product: 'sales', type: 'xgb' };
let store: MemoryStore;
let registry: Registry;
const dir = tempDirPerTest('input-holes');

beforeEach(async () => {
  store = new MemoryStore();
  registry = createRegistry({ backend: store, concurrency: 1 });
});

const artifacts = (...names: string[]): ArtifactInput[] => names.map((artifact) => ({ name: artifact, body: Buffer.from(`bytes of ${artifact}`) }));

/** Every file under `root`, as relative paths with their contents. */
async function tree(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file.slice(root.length + 1), await readFile(file, 'utf8')] as const)));
}

describe('artifact names that cannot share a folder', () => {
  it.each([
    ['a file and a folder', ['a', 'a/b'], /"a" and "a\/b" clash: "a" would be a file and also the folder holding "a\/b"/],
    ['a folder, then a file', ['a/b/c', 'a/b'], /"a\/b" and "a\/b\/c" clash/],
    ['names differing only in case', ['M', 'm'], /"M" and "m" differ only in case/],
    ['a file and a folder differing in case', ['Model', 'model/weights'], /"Model" and "model\/weights" clash: .* on case-insensitive filesystems/],
    ['a nested case clash', ['folds/0/model.bin', 'folds/0/Model.bin'], /"folds\/0\/model.bin" and "folds\/0\/Model.bin" differ only in case/],
  ])('rejects %s at push, naming both names, before anything is stored', async (_case, names, message) => {
    const attempt = registry.push(LINE, artifacts(...names));
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(message);
    expect([...(await collectKeys())]).toEqual([]);
  });

  it('accepts names that share a folder spelled in another case', async () => {
    const pushed = await registry.push(LINE, artifacts('Encoders/a.json', 'encoders/b.json', 'model.bin', 'model.bin.sha'));
    expect(pushed.manifest.artifacts).toHaveLength(4);
  });

  it.each([
    ['a file and a folder', 'a', 'a/b'],
    ['names differing only in case', 'M', 'm'],
  ])('refuses to pull a version stored with %s (IntegrityError) and writes nothing', async (_case, first, second) => {
    const pushed = await registry.push(LINE, artifacts(first, 'other/name'));
    await storeManifest({ ...pushed.manifest, artifacts: pushed.manifest.artifacts.map((artifact) => (artifact.name === 'other/name' ? { ...artifact, name: second } : artifact)) });
    await writeFile(join(dir.path, 'kept.txt'), 'mine');

    const attempt = registry.pull(LINE, dir.path);
    await expect(attempt).rejects.toThrow(IntegrityError);
    await expect(attempt).rejects.toThrow(new RegExp(`shop/sales/xgb@1 cannot be pulled into a folder: .*"${first}" and "${second}".*push the version again`));
    await expect(registry.pull(LINE, join(dir.path, 'new'))).rejects.toThrow(IntegrityError);
    expect(await tree(dir.path)).toEqual({ 'kept.txt': 'mine' });
    const cacheDir = join(dir.path, 'cache');
    const loader = createLoader({ registry, cacheDir });
    await expect(loader.load(LINE)).rejects.toThrow(/shop\/sales\/xgb@1 cannot be loaded into a folder/);
    await loader.close();
    await rm(cacheDir, { recursive: true, force: true });

    // Either artifact alone can still be pulled.
    expect(Object.keys((await registry.pull(LINE, join(dir.path, 'one'), { artifacts: [second] })).files)).toEqual([second]);
  });
});

describe('a pull is all-or-nothing', () => {
  const three = () => [
    { name: 'first.bin', body: Buffer.from('first new') },
    { name: 'nested/second.bin', body: Buffer.from('second') },
    { name: 'third.bin', body: Buffer.from('third') },
  ];

  beforeEach(async () => {
    await writeFile(join(dir.path, 'kept.txt'), 'mine');
    await writeFile(join(dir.path, 'first.bin'), 'first old');
  });

  it('removes what it wrote when the second of three artifacts is corrupt, and keeps what was there', async () => {
    const pushed = await registry.push(LINE, three());
    store.corrupt(keys.blobKey(pushed.manifest.artifacts[1]!.digest), Buffer.from('SECOND'));
    await expect(registry.pull(LINE, dir.path)).rejects.toThrow(IntegrityError);
    expect(await tree(dir.path)).toEqual({ 'kept.txt': 'mine', 'first.bin': 'first old' });
    expect(await readdir(dir.path)).toEqual(expect.arrayContaining(['kept.txt', 'first.bin']));
    expect(await readdir(dir.path)).toHaveLength(2);
  });

  it('removes what it wrote when the last artifact is missing, also into a folder it creates', async () => {
    const pushed = await registry.push(LINE, three());
    await store.delete([keys.blobKey(pushed.manifest.artifacts[2]!.digest)]);
    await expect(registry.pull(LINE, dir.path)).rejects.toThrow(NotFoundError);
    expect(await tree(dir.path)).toEqual({ 'kept.txt': 'mine', 'first.bin': 'first old' });
    await expect(registry.pull(LINE, join(dir.path, 'fresh', 'out'))).rejects.toThrow(NotFoundError);
    expect(await readdir(join(dir.path, 'fresh', 'out'))).toEqual([]);
    expect((await readdir(dir.path)).sort()).toEqual(['first.bin', 'fresh', 'kept.txt']);
  });

  it('puts back what it replaced when something in the destination is in the way', async () => {
    await registry.push(LINE, three());
    await mkdir(join(dir.path, 'third.bin'));
    await writeFile(join(dir.path, 'third.bin', 'inside.txt'), 'in the way');
    const attempt = registry.pull(LINE, dir.path);
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(/artifact "third.bin".*third.bin/);
    expect(await tree(dir.path)).toEqual({ 'kept.txt': 'mine', 'first.bin': 'first old', 'third.bin/inside.txt': 'in the way' });
    expect((await readdir(dir.path)).sort()).toEqual(['first.bin', 'kept.txt', 'third.bin']);
  });

  it('replaces files on success and leaves no staging folder', async () => {
    await registry.push(LINE, three());
    const pulled = await registry.pull(LINE, dir.path, { durable: true });
    expect(pulled.files).toEqual({ 'first.bin': join(dir.path, 'first.bin'), 'nested/second.bin': join(dir.path, 'nested', 'second.bin'), 'third.bin': join(dir.path, 'third.bin') });
    expect(await tree(dir.path)).toEqual({ 'kept.txt': 'mine', 'first.bin': 'first new', 'nested/second.bin': 'second', 'third.bin': 'third' });
    expect((await readdir(dir.path)).sort()).toEqual(['first.bin', 'kept.txt', 'nested', 'third.bin']);
  });
});

describe('a stored blob whose size differs from the manifest', () => {
  const MIB = 1024 * 1024;
  let ranged: Registry;
  let loader: Loader | undefined;

  beforeEach(() => {
    ranged = createRegistry({ backend: store, rangeThresholdBytes: MIB, rangeBytes: 256 * 1024 });
  });
  afterEach(async () => {
    await loader?.close();
    loader = undefined;
  });

  it.each([
    ['longer', (bytes: Buffer) => Buffer.concat([bytes, Buffer.from('appended')]), 2 * MIB + 8],
    ['shorter', (bytes: Buffer) => bytes.subarray(0, bytes.length - 1), 2 * MIB - 1],
  ])('fails pull, openArtifact and the loader with IntegrityError when it is %s, also on ranged reads', async (_case, change, storedSize) => {
    const { stream } = pseudoRandomStream(2 * MIB);
    const pushed = await ranged.push(LINE, [{ name: 'big.bin', body: stream }]);
    const key = keys.blobKey(pushed.manifest.artifacts[0]!.digest);
    store.corrupt(key, change(await readAll((await store.get(key)).body)));
    const message = new RegExp(`blob ${key} is ${storedSize} bytes in the store but the manifest records ${2 * MIB}.*Run verify, and push the file again`);

    await expect(ranged.pull(pushed.ref, join(dir.path, 'pulled'))).rejects.toThrow(message);
    await expect(ranged.pull(pushed.ref, join(dir.path, 'pulled'))).rejects.toThrow(IntegrityError);
    expect(await tree(dir.path)).toEqual({});
    await expect(ranged.openArtifact(pushed.ref, 'big.bin')).rejects.toThrow(IntegrityError);
    loader = createLoader({ registry: ranged, cacheDir: join(dir.path, 'cache'), rangeThresholdBytes: MIB, rangeBytes: 256 * 1024 });
    await expect(loader.load(pushed.ref)).rejects.toThrow(IntegrityError);
    await expect(loader.load(pushed.ref)).rejects.toThrow(message);
    expect((await ranged.verify()).corrupt).toEqual([expect.objectContaining({ digest: pushed.manifest.artifacts[0]!.digest, problem: expect.stringMatching(message) })]);
  });
});

async function collectKeys(): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of store.list('')) if (entry.type === 'object') found.push(entry.key);
  return found;
}

/** Writes a manifest as an older modelreg, without today's checks, would have. */
async function storeManifest(manifest: Manifest): Promise<void> {
  await store.put(keys.manifestKey(name, manifest.version), Buffer.from(JSON.stringify(manifest)));
}
