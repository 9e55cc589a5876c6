import { expect } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelreg, modelregJson, withTempDir } from './cli.js';

/**
 * The session the S3 and Azure packages run against their test servers: push, ls, pull, promote,
 * info, stats and verify through the built binary, with nothing at all on stderr (no SDK warnings).
 */
export function runRemoteSession(registry: string, env: Record<string, string | undefined>): Promise<void> {
  return withTempDir(async (cwd) => {
    const options = { cwd, env: { ...env, MODELREG_REGISTRY: registry } };
    const json = (args: string[]) => modelregJson(args, options);
    await writeFile(join(cwd, 'model.bin'), Buffer.alloc(64 * 1024, 7));
    await writeFile(join(cwd, 'encoder.json'), '{"vocab":3}');

    const first = await json(['push', 'shop/sales/xgb', 'model.bin', 'encoder.json', '--kind', 'encoder.json=encoder', '--metric', 'rmse=0.3']);
    expect(first).toMatchObject({ ref: 'shop/sales/xgb@1', uploadedBytes: 64 * 1024 + 11, reusedArtifacts: [] });
    await writeFile(join(cwd, 'encoder.json'), '{"vocab":4}');
    const second = await json(['push', 'shop/sales/xgb', 'model.bin', 'encoder.json', '--metric', 'rmse=0.2']);
    expect(second).toMatchObject({ ref: 'shop/sales/xgb@2', uploadedBytes: 11, reusedArtifacts: ['model.bin'] });

    expect(await json(['ls'])).toEqual({ stores: ['shop'] });
    expect((await json(['ls', 'shop/sales/xgb'])).versions.map((version: { ref: string }) => version.ref)).toEqual(['shop/sales/xgb@1', 'shop/sales/xgb@2']);
    expect(await json(['promote', 'shop/sales/xgb@1'])).toMatchObject({ alias: 'production', version: 1, ref: 'shop/sales/xgb@1' });
    expect(await json(['info', 'shop/sales/xgb@production'])).toMatchObject({ ref: 'shop/sales/xgb@1', aliases: ['production'], manifest: { metrics: { rmse: 0.3 } } });

    const pulled = await json(['pull', 'shop/sales/xgb@production', 'out']);
    expect(Object.keys(pulled.files)).toEqual(['model.bin', 'encoder.json']);
    expect(await readFile(join(cwd, 'out', 'encoder.json'), 'utf8')).toBe('{"vocab":3}');
    expect(await json(['stats'])).toMatchObject({ versions: 2, aliases: 1, blobs: 3 });
    expect(await json(['verify'])).toMatchObject({ ok: true, checkedBlobs: 3 });

    const missing = await modelreg(['info', 'shop/sales/xgb@9'], options);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'modelreg: shop/sales/xgb@9 does not exist; existing versions: 1, 2.\n' });
  });
}
