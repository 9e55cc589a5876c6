import { beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AccessDeniedError, InvalidInputError, KeyScheme, type Registry, createRegistry } from '@modelreg/core';
import { tempDirPerTest } from '@modelreg/core/testing';
import { INTERNAL_FOLDER, LocalStore } from '../src/index.js';

const DAY = 24 * 60 * 60 * 1000;
const root = tempDirPerTest('local-root');
const outside = tempDirPerTest('local-outside');
let registry: Registry;

beforeEach(async () => {
  registry = createRegistry({ backend: new LocalStore({ root: root.path }) });
});

describe('symbolic links inside the store', () => {
  it('a push never writes through a linked folder', async () => {
    await mkdir(join(root.path, 'models'), { recursive: true });
    await symlink(outside.path, join(root.path, 'models', 'evil'));
    await expect(registry.push('evil/p/t', [{ name: 'm', body: Buffer.from('weights') }])).rejects.toThrow(/symbolic link/);
    await expect(registry.push('evil/p/t', [{ name: 'm', body: Buffer.from('weights') }])).rejects.toBeInstanceOf(InvalidInputError);
    expect(await readdir(outside.path)).toEqual([]);

    await rm(join(root.path, 'models'), { recursive: true });
    await rm(join(root.path, 'blobs'), { recursive: true }); // the refused push stored its blob first
    await symlink(outside.path, join(root.path, 'blobs'));
    await expect(registry.push('s/p/t', [{ name: 'm', body: Buffer.from('weights') }])).rejects.toThrow(/symbolic link/);
    expect(await readdir(outside.path)).toEqual([]);
  });

  it('reads refuse a link that leads out of the store', async () => {
    const pushed = await registry.push('s/p/t', [{ name: 'm', body: Buffer.from('weights') }]);
    const blob = join(root.path, ...new KeyScheme('').blobKey(pushed.manifest.artifacts[0]!.digest).split('/'));
    await writeFile(join(outside.path, 'secret'), 'weights');
    await rm(blob);
    await symlink(join(outside.path, 'secret'), blob);
    await expect(registry.pull(pushed.ref, join(outside.path, 'pulled'))).rejects.toBeInstanceOf(AccessDeniedError);
    const manifest = join(root.path, 'models', 's', 'p', 't', '1', 'manifest.json');
    await writeFile(join(outside.path, 'manifest.json'), JSON.stringify(pushed.manifest));
    await rm(manifest);
    await symlink(join(outside.path, 'manifest.json'), manifest);
    await expect(registry.manifest(pushed.ref)).rejects.toBeInstanceOf(AccessDeniedError);
  });
});

describe('listings and symbolic links', () => {
  it('list only real files in real folders, and refuse a starting folder that leads out of the store', async () => {
    const store = new LocalStore({ root: root.path });
    const listed = async (prefix: string, delimiter?: '/') => {
      const keys: string[] = [];
      for await (const entry of store.list(prefix, delimiter ? { delimiter } : {})) keys.push(entry.type === 'object' ? entry.key : entry.prefix);
      return keys;
    };
    await registry.push('s/p/t', [{ name: 'm', body: Buffer.from('weights') }]);
    await mkdir(join(outside.path, 'p', 't', '1'), { recursive: true });
    await writeFile(join(outside.path, 'p', 't', '1', 'manifest.json'), '{}');
    await writeFile(join(outside.path, 'secret'), 'secret');
    await symlink(outside.path, join(root.path, 'models', 'linked'));
    await symlink(join(outside.path, 'secret'), join(root.path, 'models', 's', 'p', 't', '1', 'extra.json'));

    expect(await listed('models/')).toEqual(['models/s/p/t/1/manifest.json']);
    expect(await listed('models/', '/')).toEqual(['models/s/']);
    await expect(listed('models/linked/')).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(listed('models/linked/p/t/')).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await listed('models/lin')).toEqual([]);
  });
});

describe('temp files of unfinished writes', () => {
  it('are counted by stats and removed by gc once older than the grace period and any push lease', async () => {
    const temp = join(root.path, INTERNAL_FOLDER, 'tmp');
    await mkdir(temp, { recursive: true });
    await writeFile(join(temp, 'crashed-push'), Buffer.alloc(1000));
    await writeFile(join(temp, 'live-push'), Buffer.alloc(10));
    const old = new Date(Date.now() - 2 * DAY);
    await utimes(join(temp, 'crashed-push'), old, old);

    expect(await registry.stats()).toMatchObject({ incompleteWrites: 2, incompleteWriteBytes: 1010 });
    expect(await registry.gc()).toMatchObject({ dryRun: true, removedIncompleteWrites: 1, removedIncompleteBytes: 1000 });
    expect((await readdir(temp)).sort()).toEqual(['crashed-push', 'live-push']);
    expect(await registry.gc({ dryRun: false })).toMatchObject({ removedIncompleteWrites: 1, removedIncompleteBytes: 1000 });
    expect(await readdir(temp)).toEqual(['live-push']);
    // A short grace period does not make a young temp file (a push between staging and commit) a leftover.
    expect(await registry.gc({ dryRun: false, gracePeriodMs: 1000 })).toMatchObject({ removedIncompleteWrites: 0 });
  });
});
