import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import { IntegrityError, readAll } from '@modelreg/core';
import { tempDirPerBlock } from '@modelreg/core/testing';
import { AzureBlobStore } from '../src/index.js';
import { createTestContainer, testAccount } from './support/azure.js';
import { startCorruptingProxy } from './support/corrupting-proxy.js';

const BLOCK = 64 * 1024;
const MARKER = Buffer.from('damage-me-on-the-way;');
/** `size` bytes of repeated markers: every request body carrying them gets damaged by the proxy. */
const marked = (size: number) => Buffer.alloc(size, MARKER);

describe('AzureBlobStore uploads through a link that damages bytes', () => {
  let container: ContainerClient;
  let proxy: Awaited<ReturnType<typeof startCorruptingProxy>>;
  let damaged: AzureBlobStore;
  let direct: AzureBlobStore;
  const folder = tempDirPerBlock('azure-integrity');

  beforeAll(async () => {
    container = await createTestContainer('integrity');
    const account = testAccount();
    proxy = await startCorruptingProxy(new URL(account.endpoint), MARKER);
    const options = { ...account, container: container.containerName, blockSize: BLOCK, concurrency: 2 };
    damaged = new AzureBlobStore({ ...options, endpoint: proxy.endpoint });
    direct = new AzureBlobStore(options);
  });
  afterAll(async () => {
    await proxy.stop();
    await container.deleteIfExists();
  });

  it.each([
    ['a single Put Blob', BLOCK / 2],
    ['staged blocks', 4 * BLOCK + 100],
  ])('refuses %s whose bytes were damaged in transit, with IntegrityError, and stores nothing', async (_, size) => {
    const key = `damaged-${size}`;
    await expect(damaged.put(key, Readable.from([marked(size)]), { size })).rejects.toBeInstanceOf(IntegrityError);
    const path = join(folder.path, `${key}.bin`);
    await writeFile(path, marked(size));
    await expect(damaged.putFile(key, path, { size })).rejects.toBeInstanceOf(IntegrityError);
    expect(await direct.head(key)).toBeUndefined();
  });

  it('stores the same bytes whole over an undamaged link', async () => {
    const size = 4 * BLOCK + 100;
    const path = join(folder.path, 'whole.bin');
    await writeFile(path, marked(size));
    await direct.putFile('whole', path, { size });
    expect((await readAll((await direct.get('whole')).body)).equals(marked(size))).toBe(true);
  });
});
