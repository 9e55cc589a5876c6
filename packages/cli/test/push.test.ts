import { expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelreg, modelregJson, withTempDir } from './support/cli.js';

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
}

it('pushes files and folders with kinds, folds, metadata and dependencies, and prints the stable JSON shape', () =>
  withTempDir(async (cwd) => {
    await writeFiles(cwd, {
      'model.bin': 'weights',
      'encoder.json': '{"vocab":1}',
      'folds/0/model.bin': 'fold 0',
      'folds/1/model.bin': 'fold 1',
      'metrics.json': JSON.stringify({ rmse: 0.4, mae: 0.2 }),
      'params.json': JSON.stringify({ depth: 4, features: ['a', 'b'] }),
    });
    const base = await modelregJson(['push', 'shop/sales/base', 'model.bin', '--metric', 'auc=0.9'], { cwd });
    expect(base).toEqual({
      ref: 'shop/sales/base@1',
      store: 'shop',
      product: 'sales',
      type: 'base',
      version: 1,
      uploadedBytes: 7,
      reusedArtifacts: [],
      followedSymlinks: [],
      manifest: expect.objectContaining({ schemaVersion: 2, version: 1, metrics: { auc: 0.9 } }),
    });

    const pushed = await modelregJson(
      [
        'push', 'shop/sales/xgb', 'model.bin', 'encoder.json', 'folds',
        '--kind', 'encoder.json=encoder', '--kind', '0/model.bin=transformer',
        '--fold', '0/model.bin=0', '--fold', '1/model.bin=1', '--depends-on', 'model.bin=encoder.json',
        '--metrics', 'metrics.json', '--metric', 'rmse=0.3', '--params', 'params.json', '--param', 'depth=6', '--param', 'name=xgb',
        '--tag', 'team=forecast', '--tag', 'git=abc123', '-d', 'nightly run', '--dependency', 'shop/sales/base', '--dependency', 'baseline=shop/sales/base@1',
        '--data-start', '2024-01-01', '--data-end', '2024-06-30',
      ],
      { cwd },
    );
    expect(pushed.ref).toBe('shop/sales/xgb@1');
    expect(pushed.reusedArtifacts).toEqual(['model.bin']); // the same bytes as shop/sales/base@1
    expect(pushed.manifest).toMatchObject({
      description: 'nightly run',
      tags: { team: 'forecast', git: 'abc123' },
      metrics: { rmse: 0.3, mae: 0.2 },
      params: { depth: 6, features: ['a', 'b'], name: 'xgb' },
      dataRange: { start: '2024-01-01', end: '2024-06-30' },
      dependencies: [
        { ref: 'shop/sales/base@1', role: 'source' },
        { ref: 'shop/sales/base@1', role: 'baseline' },
      ],
    });
    const artifacts = Object.fromEntries(pushed.manifest.artifacts.map((artifact: any) => [artifact.name, artifact]));
    expect(Object.keys(artifacts)).toEqual(['model.bin', 'encoder.json', '0/model.bin', '1/model.bin']);
    expect(artifacts['model.bin']).toMatchObject({ kind: 'model', dependsOn: ['encoder.json'], size: 7 });
    expect(artifacts['encoder.json']).toMatchObject({ kind: 'encoder' });
    expect(artifacts['0/model.bin']).toMatchObject({ kind: 'transformer', fold: 0 });
    expect(artifacts['1/model.bin']).toMatchObject({ kind: 'model', fold: 1 });

    const human = await modelreg(['push', 'shop/sales/xgb@5', 'model.bin', '--kind', 'other'], { cwd });
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toBe('Pushed shop/sales/xgb@5: 1 artifact(s), 7 B; 0 B uploaded, 1 already stored.\n');
  }));

it('rejects bad input with exit code 2 and one line naming the problem, before anything is written', () =>
  withTempDir(async (cwd) => {
    await writeFiles(cwd, { 'model.bin': 'weights', 'bad-metrics.json': '{"rmse":"low"}', 'not-json.json': '{' });
    await mkdir(join(cwd, 'empty'));
    const cases: Array<[string[], string]> = [
      [['push', 'a/b/c', 'missing.bin'], 'missing.bin does not exist'],
      [['push', 'a/b/c', 'model.bin', '--metric', 'rmse=abc'], 'Metric "rmse" must be a finite number, got "abc"'],
      [['push', 'a/b/c', 'model.bin', '--metric', 'rmse'], '--metric expects name=value'],
      [['push', 'a/b/c', 'model.bin', '--metric', 'rmse=Infinity'], 'must be a finite number'],
      [['push', 'a/b/c', 'model.bin', '--metrics', 'bad-metrics.json'], 'metric "rmse" must be a finite number'],
      [['push', 'a/b/c', 'model.bin', '--params', 'not-json.json'], 'not-json.json is not valid JSON'],
      [['push', 'a/b/c', 'model.bin', '--metrics', 'nope.json'], '--metrics: cannot read nope.json'],
      [['push', 'a/b/c', 'model.bin', '--kind', 'weights'], '--kind weights: expected one of model, transformer'],
      [['push', 'a/b/c', 'model.bin', '--kind', 'other.bin=encoder'], 'no artifact named "other.bin"'],
      [['push', 'a/b/c', 'model.bin', '--fold', '-1'], '--fold must be a whole number >= 0'],
      [['push', 'a/b/c', 'model.bin', '--dependency', 'a/b/missing'], 'Dependency a/b/missing@latest does not exist'],
      [['push', 'a/b/c@production', 'model.bin'], 'Cannot push to alias "production"'],
      [['push', 'a/b', 'model.bin'], 'Invalid model reference "a/b"'],
      [['push', 'a/b/c', 'model.bin', '--depends-on', 'model.bin=ghost'], 'depends on "ghost", which is not in this push'],
      [['push', 'a/b/c', 'empty'], 'Nothing to push'],
      [['push', 'a/b/c'], "missing required argument 'paths'"],
      [['push', 'a/b/c', 'model.bin', '--kinds', 'x'], "unknown option '--kinds'"],
    ];
    for (const [args, message] of cases) {
      const result = await modelreg(args, { cwd });
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toContain(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toContain('    at ');
    }
    expect((await modelregJson(['ls'], { cwd })).stores).toEqual([]);
  }));

it('refuses to reuse an explicit version number (exit 1)', () =>
  withTempDir(async (cwd) => {
    await writeFiles(cwd, { 'model.bin': 'weights' });
    expect((await modelreg(['push', 'a/b/c@3', 'model.bin'], { cwd })).code).toBe(0);
    const again = await modelreg(['push', 'a/b/c@3', 'model.bin', '--json'], { cwd });
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toBe('modelreg: a/b/c@3 already exists; versions are immutable. Push without a version to get the next free one.\n');
  }));
