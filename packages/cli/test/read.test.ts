import { expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelreg, modelregJson, seededTempDirs } from './support/cli.js';

/** shop/sales/xgb@1 and @2, shop/sales/lgbm@1 and shop/web/cnn@1, in a fresh registry under `cwd`. */
const withSeededRegistry = seededTempDirs(async (cwd) => {
  await writeFile(join(cwd, 'model.bin'), 'weights v1');
  await writeFile(join(cwd, 'encoder.json'), '{}');
  await modelregJson(['push', 'shop/sales/xgb', 'model.bin', 'encoder.json', '--kind', 'encoder.json=encoder', '--metric', 'rmse=0.3', '--tag', 'team=a', '--param', 'depth=4'], { cwd });
  await writeFile(join(cwd, 'model.bin'), 'weights v2!');
  await modelregJson(['push', 'shop/sales/xgb', 'model.bin', '--metric', 'rmse=0.2', '--metric', 'auc=0.8', '--tag', 'team=b', '--param', 'depth=6', '-d', 'second'], { cwd });
  await modelregJson(['push', 'shop/sales/lgbm', 'model.bin', '--metric', 'rmse=0.25', '--tag', 'team=b'], { cwd });
  await modelregJson(['push', 'shop/web/cnn', 'encoder.json'], { cwd });
});

it('lists stores, products, types and versions, with filters, as tables and as JSON', () =>
  withSeededRegistry(async (cwd) => {
    const json = (args: string[]) => modelregJson(args, { cwd });
    expect(await json(['ls'])).toEqual({ stores: ['shop'] });
    expect(await json(['ls', 'shop'])).toEqual({ products: ['sales', 'web'] });
    expect(await json(['ls', 'shop/sales'])).toEqual({ types: ['lgbm', 'xgb'] });

    const line = await json(['ls', 'shop/sales/xgb']);
    expect(line.versions.map((version: any) => version.ref)).toEqual(['shop/sales/xgb@1', 'shop/sales/xgb@2']);
    expect(line.versions[1]).toEqual({
      ref: 'shop/sales/xgb@2',
      store: 'shop',
      product: 'sales',
      type: 'xgb',
      version: 2,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      description: 'second',
      tags: { team: 'b' },
      metrics: { rmse: 0.2, auc: 0.8 },
      artifacts: 1,
      size: 11,
      aliases: [],
    });
    const refs = async (args: string[]) => (await json(['ls', ...args])).versions.map((version: any) => version.ref);
    expect(await refs(['--tag', 'team=b'])).toEqual(['shop/sales/lgbm@1', 'shop/sales/xgb@2']);
    expect(await refs(['shop/sales', '--metric', 'rmse<0.3'])).toEqual(['shop/sales/lgbm@1', 'shop/sales/xgb@2']);
    expect(await refs(['--metric', 'rmse>=0.2', '--metric', 'rmse<=0.25', '--tag', 'team=b'])).toEqual(['shop/sales/lgbm@1', 'shop/sales/xgb@2']);
    expect(await refs(['shop', '--latest'])).toEqual(['shop/sales/lgbm@1', 'shop/sales/xgb@2', 'shop/web/cnn@1']);
    expect(await refs(['shop/web', '--versions'])).toEqual(['shop/web/cnn@1']);

    const table = await modelreg(['ls', 'shop/sales/xgb'], { cwd });
    expect(table.stdout).toMatch(/ref\s+│ created\s+│ size\s+│ aliases\s+│ metrics\s+│ tags/);
    expect(table.stdout).toMatch(/shop\/sales\/xgb@2 │ .* │ 11 B\s+│\s+│ rmse=0.2, auc=0.8 │ team=b/);
    expect((await modelreg(['ls', 'shop'], { cwd })).stdout).toBe('sales\nweb\n');
    expect((await modelreg(['ls', '--metric', 'rmse<0'], { cwd })).stdout).toBe('No versions match.\n');

    for (const [args, message] of [
      [['ls', '--metric', 'rmse~1'], '--metric expects a condition'],
      [['ls', '--metric', 'rmse<low'], 'the bound must be a finite number'],
      [['ls', 'a/b/c/d'], 'Invalid scope "a/b/c/d"'],
      [['ls', '--tag', 'team'], '--tag expects name=value'],
    ] as Array<[string[], string]>) {
      const result = await modelreg(args, { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
  }));

it('shows model lines (types), versions of a line and one version (info)', () =>
  withSeededRegistry(async (cwd) => {
    await modelregJson(['promote', 'shop/sales/xgb@1'], { cwd });
    const json = (args: string[]) => modelregJson(args, { cwd });
    expect(await json(['types'])).toEqual({
      types: [
        { name: 'shop/sales/lgbm', store: 'shop', product: 'sales', type: 'lgbm', versions: 1, latest: 1, aliases: {} },
        { name: 'shop/sales/xgb', store: 'shop', product: 'sales', type: 'xgb', versions: 2, latest: 2, aliases: { production: 1 } },
        { name: 'shop/web/cnn', store: 'shop', product: 'web', type: 'cnn', versions: 1, latest: 1, aliases: {} },
      ],
    });
    expect((await json(['types', 'shop/web'])).types.map((type: any) => type.name)).toEqual(['shop/web/cnn']);

    const versions = await json(['versions', 'shop/sales/xgb']);
    expect(versions.name).toBe('shop/sales/xgb');
    expect(versions.aliases).toEqual([{ alias: 'production', version: 1 }]);
    expect(versions.versions.map((version: any) => [version.version, version.aliases])).toEqual([[1, ['production']], [2, []]]);

    const info = await json(['info', 'shop/sales/xgb@production']);
    expect(Object.keys(info)).toEqual(['ref', 'store', 'product', 'type', 'version', 'aliases', 'manifest']);
    expect(info).toMatchObject({ ref: 'shop/sales/xgb@1', version: 1, aliases: ['production'], manifest: { schemaVersion: 2, params: { depth: 4 } } });
    expect(info.manifest.artifacts.map((artifact: any) => [artifact.name, artifact.kind, artifact.size])).toEqual([
      ['model.bin', 'model', 10],
      ['encoder.json', 'encoder', 2],
    ]);
    expect((await json(['info', 'shop/sales/xgb'])).version).toBe(2); // latest when no @

    const human = (await modelreg(['info', 'shop/sales/xgb@1'], { cwd })).stdout;
    expect(human).toMatch(/aliases\s+│ production/);
    expect(human).toMatch(/encoder\.json │ encoder │ 2 B/);
    expect((await modelreg(['types'], { cwd })).stdout).toMatch(/shop\/sales\/xgb\s+│ 2\s+│ 2\s+│ production=1/);

    const unknown = await modelreg(['info', 'shop/sales/xgb@9'], { cwd });
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'modelreg: shop/sales/xgb@9 does not exist; existing versions: 1, 2.\n' });
    expect((await modelreg(['versions', 'shop/sales/none'], { cwd })).code).toBe(1);
    expect((await modelreg(['info', 'shop/sales/xgb@staging'], { cwd })).stderr).toContain('Alias "staging" of shop/sales/xgb does not exist');
    expect((await modelreg(['versions', 'shop/sales/xgb@1'], { cwd })).code).toBe(2);
  }));

it('compares two versions', () =>
  withSeededRegistry(async (cwd) => {
    const comparison = await modelregJson(['compare', 'shop/sales/xgb@1', 'shop/sales/xgb@2'], { cwd });
    expect(comparison.a).toEqual({ store: 'shop', product: 'sales', type: 'xgb', version: 1, ref: 'shop/sales/xgb@1' });
    expect(comparison.b.ref).toBe('shop/sales/xgb@2');
    expect(comparison.metrics).toEqual([
      { name: 'auc', a: null, b: 0.8, difference: null, direction: 'higher', winner: null },
      { name: 'rmse', a: 0.3, b: 0.2, difference: expect.closeTo(-0.1, 10), direction: 'lower', winner: 'b' },
    ]);
    expect(comparison.params).toEqual([{ name: 'depth', a: 4, b: 6 }]);
    expect(comparison.tags).toEqual([{ name: 'team', a: 'a', b: 'b' }]);
    expect(comparison.artifacts.map((artifact: any) => [artifact.name, artifact.change])).toEqual([
      ['encoder.json', 'removed'],
      ['model.bin', 'changed'],
    ]);
    const human = (await modelreg(['compare', 'shop/sales/xgb@1', 'shop/sales/xgb@2'], { cwd })).stdout;
    expect(human).toMatch(/rmse\s+│ 0\.3 │ 0\.2\s+│ -0\.1\s+│ b/);
    expect(human).toMatch(/param depth │ 4 │ 6/);
    expect((await modelreg(['compare', 'shop/sales/xgb@1', 'shop/sales/xgb@7'], { cwd })).code).toBe(1);
  }));

it('pulls all artifacts or chosen ones, verified, into a folder', () =>
  withSeededRegistry(async (cwd) => {
    const pulled = await modelregJson(['pull', 'shop/sales/xgb@1', 'out'], { cwd });
    expect(pulled).toEqual({
      ref: 'shop/sales/xgb@1',
      store: 'shop',
      product: 'sales',
      type: 'xgb',
      version: 1,
      dir: join(cwd, 'out'),
      files: { 'model.bin': join(cwd, 'out', 'model.bin'), 'encoder.json': join(cwd, 'out', 'encoder.json') },
      manifest: expect.objectContaining({ version: 1 }),
      pulled: [
        { ref: 'shop/sales/xgb@1', artifact: 'model.bin', kind: 'model', size: 10, path: join(cwd, 'out', 'model.bin') },
        { ref: 'shop/sales/xgb@1', artifact: 'encoder.json', kind: 'encoder', size: 2, path: join(cwd, 'out', 'encoder.json') },
      ],
    });
    expect(await readFile(join(cwd, 'out', 'model.bin'), 'utf8')).toBe('weights v1');

    const one = await modelreg(['pull', 'shop/sales/xgb@1', 'only', '--artifact', 'encoder.json'], { cwd });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`Pulled shop/sales/xgb@1 into ${join(cwd, 'only')}.`);
    expect(await readFile(join(cwd, 'only', 'encoder.json'), 'utf8')).toBe('{}');

    const missing = await modelreg(['pull', 'shop/sales/xgb@1', 'x', '--artifact', 'nope.bin'], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('has no artifact "nope.bin"');
    expect((await modelreg(['pull', 'shop/sales/ghost'], { cwd })).code).toBe(1);
  }));

it('walks lineage both ways: what a version was built from, and what was built from it', () =>
  withSeededRegistry(async (cwd) => {
    const json = (args: string[]) => modelregJson(args, { cwd });
    await json(['push', 'shop/sales/stack', 'model.bin', '--dependency', 'shop/sales/xgb@2', '--dependency', 'feature=shop/web/cnn@1']);
    await json(['push', 'shop/sales/blend', 'model.bin', '--dependency', 'shop/sales/stack']);

    expect(await json(['lineage', 'shop/sales/blend'])).toEqual({
      ref: 'shop/sales/blend@1',
      direction: 'dependencies',
      entries: [
        { ref: 'shop/sales/stack@1', role: 'source', depth: 1, via: 'shop/sales/blend@1' },
        { ref: 'shop/sales/xgb@2', role: 'source', depth: 2, via: 'shop/sales/stack@1' },
        { ref: 'shop/web/cnn@1', role: 'feature', depth: 2, via: 'shop/sales/stack@1' },
      ],
    });
    expect((await json(['lineage', 'shop/sales/blend', '--depth', '1'])).entries.map((entry: any) => entry.ref)).toEqual(['shop/sales/stack@1']);
    const dependents = await json(['lineage', 'shop/web/cnn@1', '--dependents']);
    expect(dependents).toMatchObject({ ref: 'shop/web/cnn@1', direction: 'dependents' });
    expect(dependents.entries.map((entry: any) => [entry.ref, entry.depth])).toEqual([['shop/sales/stack@1', 1], ['shop/sales/blend@1', 2]]);

    expect((await modelreg(['lineage', 'shop/sales/blend'], { cwd })).stdout).toMatch(/shop\/web\/cnn@1\s+│ feature\s+│ 2\s+│ shop\/sales\/stack@1/);
    expect((await modelreg(['lineage', 'shop/sales/xgb@1'], { cwd })).stdout).toBe('shop/sales/xgb@1 has no dependencies.\n');
    const badDepth = await modelreg(['lineage', 'shop/sales/blend', '--depth', '0'], { cwd });
    expect(badDepth).toMatchObject({ code: 2, stderr: 'modelreg: --depth must be a whole number >= 1, got "0".\n' });
  }));
