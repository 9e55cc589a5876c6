import { expect, it } from '@jest/globals';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flatTree, timestampedTree, writeTree } from '../../core/test/support/legacy-trees.js';
import { modelreg, modelregJson, withTempDir } from './support/cli.js';

it('import --dry-run prints the plan as a table and as JSON, changes nothing, and exits 1 for what it cannot map', () =>
  withTempDir(async (cwd) => {
    await writeTree(join(cwd, 'legacy'), flatTree);
    const table = await modelreg(['import', 'legacy', '--id-pattern', '{store}_{product}_{type}', '--dry-run'], { cwd });
    expect(table.code).toBe(1);
    expect(table.stdout).toContain('Layout: flat (detected).');
    expect(table.stdout).toMatch(/models\/1234_5678_xgboost_standard\s*│ 1234\/5678\/xgboost_standard@1 │ new/);
    expect(table.stdout).toContain('label_encoder.pkl (encoder)');
    expect(table.stdout).toContain('rmse=12.5, mae=8.1');
    expect(table.stdout).toMatch(/models\/empty_model\s*│ it holds no model files/);
    expect(table.stdout).toContain('Dry run: would import 2 version(s); 0 already imported. Nothing was changed.');

    const json = await modelreg(['import', 'legacy', '--id-pattern', '{store}_{product}_{type}', '--dry-run', '--json'], { cwd });
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({ dryRun: true, layout: 'flat', detected: true, unmapped: [{ source: 'models/empty_model', reason: 'it holds no model files' }] });
    expect(plan.versions[0]).toMatchObject({
      source: 'models/1234_5678_xgboost_standard', ref: '1234/5678/xgboost_standard@1', status: 'new', createdAt: '2024-01-15T10:30:00.000Z',
      metrics: { rmse: 12.5, mae: 8.1 }, artifacts: expect.arrayContaining([{ name: 'data_splits.json', kind: 'splitter', size: expect.any(Number), fold: null, dependsOn: [] }]),
    });
    expect((await modelregJson(['ls'], { cwd })).stores).toEqual([]);
  }));

it('import pushes every mappable version, a second run imports nothing new, and pulled files match the source', () =>
  withTempDir(async (cwd) => {
    await writeTree(join(cwd, 'legacy'), flatTree);
    const args = ['import', 'legacy', '--id-pattern', '{store}_{product}_{type}', '--json'];
    const first = await modelreg(args, { cwd });
    expect(first.code).toBe(1);
    expect(first.stderr).toBe('modelreg: 1 source(s) could not be imported\n');
    expect(JSON.parse(first.stdout).versions.map((version: any) => [version.ref, version.status])).toEqual([
      ['1234/5678/xgboost_standard@1', 'imported'], ['42/99/xgboost_quantile@1', 'imported'],
    ]);
    const second = JSON.parse((await modelreg(args, { cwd })).stdout);
    expect(second.versions.map((version: any) => version.status)).toEqual(['present', 'present']);
    expect((await modelregJson(['versions', '1234/5678/xgboost_standard'], { cwd })).versions).toHaveLength(1);
    await modelregJson(['pull', '42/99/xgboost_quantile@1', 'out'], { cwd });
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(cwd, 'out', 'model.pkl'), 'utf8')).toBe('flat model two');
  }));

it('import of a timestamped tree sets production with its history; a usage error exits 2', () =>
  withTempDir(async (cwd) => {
    await writeTree(join(cwd, 'legacy'), timestampedTree);
    const report = await modelregJson(['import', 'legacy', '--layout', 'timestamped', '--store', 'trading'], { cwd });
    expect(report.aliases).toEqual([
      { ref: 'trading/forecaster/lgbm@2', alias: 'production', moves: 2 },
      { ref: 'trading/ranker/xgb@1', alias: 'production', moves: 3 },
    ]);
    expect((await modelregJson(['info', 'trading/forecaster/lgbm@production'], { cwd })).manifest.createdAt).toBe('2026-01-27T14:00:00.000Z');
    expect((await modelreg(['import', 'legacy', '--layout', 'zip'], { cwd })).code).toBe(2);
    expect((await modelreg(['import', 'missing-folder'], { cwd })).code).toBe(2);
  }));

it('registry-wide commands keep working beside legacy folders under models/, warn about them, and gc refuses to delete', () =>
  withTempDir(async (cwd) => {
    await writeFile(join(cwd, 'model.bin'), 'weights');
    await modelregJson(['push', 'a/b/c', 'model.bin'], { cwd });
    // Old folders copied into the registry by hand: a flat model folder and a hierarchical instance.
    await writeTree(join(cwd, '.modelreg'), { 'models/old_model_1/metadata.json': { json: {} }, 'models/old_model_1/model.pkl': 'old' });
    await mkdir(join(cwd, '.modelreg/models/1234/5678/xgb'), { recursive: true });
    await cp(join(cwd, '.modelreg/models/old_model_1'), join(cwd, '.modelreg/models/1234/5678/xgb/run_1'), { recursive: true });
    const legacyFolders = ['models/1234/5678/xgb/run_1/', 'models/old_model_1/'];

    for (const command of [['ls', '--latest'], ['stats'], ['gc'], ['verify']]) {
      const result = await modelreg([...command, '--json'], { cwd });
      expect([command, result.code]).toEqual([command, 0]);
      const skipped: string[] = JSON.parse(result.stdout).skipped.map((entry: any) => entry.key);
      for (const folder of legacyFolders) expect([command, skipped.some((key) => key.startsWith(folder))]).toEqual([command, true]);
      expect(skipped.every((key) => legacyFolders.some((folder) => key.startsWith(folder)))).toBe(true);
      for (const key of skipped) expect(result.stderr).toContain(`modelreg: warning: skipped ${key}:`);
    }
    expect((await modelregJson(['ls', 'a', '--latest'], { cwd })).versions).toHaveLength(1);
    const types = await modelreg(['types', '--json'], { cwd });
    for (const folder of legacyFolders) expect(types.stderr).toContain(`modelreg: warning: skipped ${folder}model.pkl:`);
    expect(JSON.parse(types.stdout).types.map((line: any) => line.name)).toEqual(['a/b/c']);
    const gc = await modelreg(['gc', '--yes'], { cwd });
    expect(gc.code).toBe(1);
    expect(gc.stderr).toContain('4 entries under models/ cannot be read as v2 manifests');
  }));
