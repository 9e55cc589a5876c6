import { expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCopySession } from './support/copy-session.js';
import { modelreg, modelregJson, withTempDir } from './support/cli.js';

it('copies a local registry to another folder and back, and a second run sends nothing', () => runCopySession('first', 'second', {}));

it('reports a conflicting version with exit code 1, never overwrites it, and still copies the rest', () =>
  withTempDir(async (cwd) => {
    const options = { cwd };
    await writeFile(join(cwd, 'a.bin'), 'source bytes');
    await writeFile(join(cwd, 'b.bin'), 'destination bytes');
    await modelregJson(['push', 'shop/sales/xgb', 'a.bin', '-r', 'from'], options);
    await modelregJson(['push', 'shop/stock/xgb', 'a.bin', '-r', 'from'], options);
    await modelregJson(['push', 'shop/sales/xgb', 'b.bin', '-r', 'to'], options);

    const dryRun = await modelregJson(['copy', 'from', 'to', '--dry-run'], options).catch((error: Error) => error);
    expect(dryRun).toBeInstanceOf(Error); // a dry run reports the conflict it would meet, with exit code 1 too

    const result = await modelreg(['copy', 'from', 'to', '--json'], options);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`modelreg: copy left 1 conflict(s) at ${join(cwd, 'to')} untouched; see the report above\n`);
    const report = JSON.parse(result.stdout);
    expect(report.versions).toEqual({
      copied: ['shop/stock/xgb@1'],
      unchanged: [],
      conflicts: [{ ref: 'shop/sales/xgb@1', reason: 'the destination holds a different manifest under this version number' }],
    });
    const kept = await modelregJson(['info', 'shop/sales/xgb@1', '-r', 'to'], options);
    expect(kept.manifest.artifacts[0].size).toBe('destination bytes'.length);

    const human = await modelreg(['copy', 'from', 'to'], options);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('Copied 0 version(s), 0 blob(s) (0 B) and 0 alias(es)');
    expect(human.stdout).toMatch(/shop\/sales\/xgb@1 .*different manifest/);
  }));

it('copies only the scope given, writes nothing in a dry run, and rejects a bad scope with exit code 2', () =>
  withTempDir(async (cwd) => {
    const options = { cwd };
    await writeFile(join(cwd, 'a.bin'), 'bytes');
    await modelregJson(['push', 'shop/sales/xgb', 'a.bin', '-r', 'from'], options);
    await modelregJson(['push', 'outlet/sales/xgb', 'a.bin', '-r', 'from'], options);

    const dryRun = await modelregJson(['copy', 'from', 'to', 'shop', '--dry-run'], options);
    expect(dryRun).toMatchObject({ dryRun: true, scope: 'shop', versions: { copied: ['shop/sales/xgb@1'] }, blobs: { copied: 1, copiedBytes: 5 } });
    expect(await modelregJson(['ls', '-r', 'to'], options)).toEqual({ stores: [] });

    const copied = await modelregJson(['copy', 'from', 'to', 'shop', '--concurrency', '2'], options);
    expect(copied.versions.copied).toEqual(['shop/sales/xgb@1']);
    expect(await modelregJson(['ls', '-r', 'to'], options)).toEqual({ stores: ['shop'] });

    const bad = await modelreg(['copy', 'from', 'to', 'shop@1'], options);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^modelreg: Invalid copy scope "shop@1"/);
  }));
