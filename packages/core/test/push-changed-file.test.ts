import { expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, KeyScheme, MemoryStore, createRegistry, sha256 } from '../src/index.js';
import { tempDirPerTest } from '../src/testing/index.js';

// A push hashes a file, then reads it again to upload it (on stores that do not stage, such as S3).
// A training job still writing the file in between must not leave a blob whose bytes differ from its digest.
const keys = new KeyScheme('');
const folder = tempDirPerTest('changed');

async function blobKeys(store: MemoryStore): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of store.list(keys.blobsPrefix())) if (entry.type === 'object') found.push(entry.key);
  return found;
}

it.each([
  ['rewritten with the same size', (path: string) => writeFile(path, 'B'.repeat(5000))],
  ['replaced by another file', async (path: string) => {
    await writeFile(`${path}.new`, 'C'.repeat(5000));
    const { rename } = await import('node:fs/promises');
    await rename(`${path}.new`, path);
  }],
])('refuses a file %s between hashing and upload, and stores nothing', async (_case, change) => {
  const store = new MemoryStore();
  const registry = createRegistry({ backend: store });
  const path = join(folder.path, 'model.bin');
  await writeFile(path, 'A'.repeat(5000));
  // The upload starts right after the store is asked whether the blob exists: change the file then.
  const head = store.head.bind(store);
  store.head = async (key, options) => {
    if (key === keys.blobKey(sha256('A'.repeat(5000)))) await change(path);
    return head(key, options);
  };
  const pushed = registry.push('s/p/t', [{ name: 'model', body: path }]);
  await expect(pushed).rejects.toBeInstanceOf(InvalidInputError);
  await expect(pushed).rejects.toThrow(/changed while it was being pushed/);
  expect(await blobKeys(store)).toEqual([]);
  expect(await registry.versions('s/p/t')).toEqual([]);
});

it('pushes a file that nothing writes to meanwhile (the check costs no false alarm)', async () => {
  const store = new MemoryStore();
  const registry = createRegistry({ backend: store });
  const path = join(folder.path, 'model.bin');
  await writeFile(path, 'A'.repeat(5000));
  await registry.push('s/p/t', [{ name: 'model', body: path }]);
  expect(await blobKeys(store)).toEqual([keys.blobKey(sha256('A'.repeat(5000)))]);
  expect((await registry.verify()).ok).toBe(true);
});
