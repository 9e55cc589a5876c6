import { expect } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelregJson, withTempDir } from './cli.js';

/**
 * Pushes two versions and an alias into `from`, copies them to `to` and back out to a fresh local
 * folder through the built binary, and checks what arrived at each end: versions with their
 * numbers, the alias with its history, the bytes; a second copy sends no blob byte.
 * Relative folder paths are created in a temp folder.
 */
export function runCopySession(from: string, to: string, env: Record<string, string | undefined>): Promise<void> {
  return withTempDir(async (cwd) => {
    const options = { cwd, env };
    const json = (args: string[]) => modelregJson(args, options);
    await writeFile(join(cwd, 'model.bin'), Buffer.alloc(256 * 1024, 5));
    await writeFile(join(cwd, 'encoder.json'), '{"vocab":1}');
    await json(['push', 'shop/sales/xgb', 'model.bin', 'encoder.json', '-r', from]);
    await writeFile(join(cwd, 'encoder.json'), '{"vocab":2}');
    await json(['push', 'shop/sales/xgb', 'model.bin', 'encoder.json', '-r', from]);
    await json(['promote', 'shop/sales/xgb@1', '-r', from]);
    await json(['promote', 'shop/sales/xgb@2', '-r', from]);

    const first = await json(['copy', from, to]);
    expect(first).toMatchObject({
      dryRun: false,
      versions: { copied: ['shop/sales/xgb@1', 'shop/sales/xgb@2'], unchanged: [], conflicts: [] },
      aliases: { copied: ['shop/sales/xgb@production'], conflicts: [] },
      blobs: { copied: 3, copiedBytes: 256 * 1024 + 22, present: 0 },
    });
    const again = await json(['copy', from, to]);
    expect(again).toMatchObject({ versions: { copied: [], unchanged: ['shop/sales/xgb@1', 'shop/sales/xgb@2'] }, blobs: { copied: 0, copiedBytes: 0 } });

    // And out again to a local folder: the round trip keeps everything.
    const back = await json(['copy', to, 'back']);
    expect(back.versions.copied).toEqual(['shop/sales/xgb@1', 'shop/sales/xgb@2']);
    const aliases = await json(['alias', 'ls', 'shop/sales/xgb', '-r', 'back']);
    const original = await json(['alias', 'ls', 'shop/sales/xgb', '-r', from]);
    expect(aliases).toEqual(original);
    await json(['pull', 'shop/sales/xgb@1', 'out', '-r', 'back']);
    expect(await readFile(join(cwd, 'out', 'encoder.json'), 'utf8')).toBe('{"vocab":1}');
    expect(await json(['verify', '-r', to])).toMatchObject({ ok: true, checkedBlobs: 3 });
    expect(await json(['info', 'shop/sales/xgb@production', '-r', to])).toMatchObject({ version: 2 });
  });
}
