import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pseudoRandomStream } from '../src/testing/helpers.js';
import { IntegrityError, KeyScheme, type Loader, MemoryStore, type Registry, createLoader, createRegistry, readAll } from '../src/index.js';

const keys = new KeyScheme('');
const LINE = 'shop/sales/xgb';
let store: MemoryStore;
let dir: string;

beforeEach(async () => {
  store = new MemoryStore();
  dir = await mkdtemp(join(tmpdir(), 'modelreg-input-holes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every file under `root`, as relative paths with their contents. */
async function tree(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file.slice(root.length + 1), await readFile(file, 'utf8')] as const)));
}

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

    await expect(ranged.pull(pushed.ref, join(dir, 'pulled'))).rejects.toThrow(message);
    await expect(ranged.pull(pushed.ref, join(dir, 'pulled'))).rejects.toThrow(IntegrityError);
    expect(await tree(dir)).toEqual({});
    await expect(ranged.openArtifact(pushed.ref, 'big.bin')).rejects.toThrow(IntegrityError);
    loader = createLoader({ registry: ranged, cacheDir: join(dir, 'cache'), rangeThresholdBytes: MIB, rangeBytes: 256 * 1024 });
    await expect(loader.load(pushed.ref)).rejects.toThrow(IntegrityError);
    await expect(loader.load(pushed.ref)).rejects.toThrow(message);
    expect((await ranged.verify()).corrupt).toEqual([expect.objectContaining({ digest: pushed.manifest.artifacts[0]!.digest, problem: expect.stringMatching(message) })]);
  });
});
