import { beforeEach, expect, it } from '@jest/globals';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryStore, type Manifest, createRegistry } from '../src/index.js';
import { tempDirPerTest } from '../src/testing/index.js';
import { CacheLayout } from '../src/loader/cache-layout.js';
import { FileVerifier } from '../src/loader/file-verifier.js';
import { Materializer } from '../src/loader/materializer.js';

const cache = tempDirPerTest('materializer');
let layout: CacheLayout;
let manifest: Manifest;
let blobPaths: string[];
const bodies = [Buffer.alloc(10_000, 1), Buffer.from('{"vocab":3}')];

beforeEach(async () => {
  layout = new CacheLayout(cache.path, 'test');
  const registry = createRegistry({ backend: new MemoryStore() });
  await registry.push('shop/sales/xgb', [
    { name: 'model.bin', body: bodies[0]! },
    { name: 'encoders/vocab.json', body: bodies[1]! },
  ]);
  manifest = (await registry.info('shop/sales/xgb@1')).manifest;
  blobPaths = manifest.artifacts.map((artifact) => layout.blob(artifact.digest));
  for (const [index, path] of blobPaths.entries()) {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, bodies[index]!);
  }
});

/** A filesystem that cannot hard-link (FAT, some network and overlay mounts), as `link` reports it. */
const linkRefused = async () => {
  throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
};

it('hard-links a version folder to the cached blobs where the filesystem allows', async () => {
  const dir = join(cache.path, 'version');
  await new Materializer(layout, new FileVerifier('once')).materialize(dir, manifest, blobPaths, 'v1');
  const [file, blob] = await Promise.all([stat(layout.artifact(dir, 'model.bin')), stat(blobPaths[0]!)]);
  expect(file.ino).toBe(blob.ino);
});

it('copies the files where the filesystem cannot link, and rebuilds the folder when a copy is corrupt', async () => {
  const dir = join(cache.path, 'version');
  const materializer = new Materializer(layout, new FileVerifier('always'), linkRefused);
  await materializer.materialize(dir, manifest, blobPaths, 'v1');

  const [file, blob] = await Promise.all([stat(layout.artifact(dir, 'model.bin')), stat(blobPaths[0]!)]);
  expect(file.ino).not.toBe(blob.ino);
  expect(await readFile(layout.artifact(dir, 'model.bin'))).toEqual(bodies[0]);
  expect(await readFile(layout.artifact(dir, 'encoders/vocab.json'))).toEqual(bodies[1]);
  expect(await materializer.isCurrent(dir, manifest.artifacts, blobPaths, 'v1')).toBe(true);

  await writeFile(layout.artifact(dir, 'encoders/vocab.json'), '{"vocab":4}'); // same size, other bytes
  expect(await materializer.isCurrent(dir, manifest.artifacts, blobPaths, 'v1')).toBe(false);
  await materializer.materialize(dir, manifest, blobPaths, 'v1');
  expect(await readFile(layout.artifact(dir, 'encoders/vocab.json'))).toEqual(bodies[1]);
});

it('reports a link error that is not about the filesystem instead of copying over it', async () => {
  const denied = async () => {
    throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  };
  await expect(new Materializer(layout, new FileVerifier('once'), denied).materialize(join(cache.path, 'version'), manifest, blobPaths, 'v1')).rejects.toThrow(/EACCES/);
  expect(await readdir(layout.tmp)).toEqual([]); // neither the half-built folder nor the link probe is left
});
