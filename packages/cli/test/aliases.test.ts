import { expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { modelreg, modelregJson, seededTempDirs } from './support/cli.js';

const withThreeVersions = seededTempDirs(async (cwd) => {
  for (const weights of ['v1', 'v2', 'v3']) {
    await writeFile(join(cwd, 'model.bin'), weights);
    await modelregJson(['push', 'shop/sales/xgb', 'model.bin'], { cwd });
  }
});

it('promotes, rolls back, sets, lists and removes aliases', () =>
  withThreeVersions(async (cwd) => {
    const json = (args: string[]) => modelregJson(args, { cwd });
    expect(await json(['promote', 'shop/sales/xgb@1'])).toEqual({
      name: 'shop/sales/xgb',
      store: 'shop',
      product: 'sales',
      type: 'xgb',
      alias: 'production',
      version: 1,
      ref: 'shop/sales/xgb@1',
      previous: [],
      // Without --by or MODELREG_ACTOR the move is recorded as the OS user's.
      history: [{ version: 1, at: expect.any(String), action: 'set', by: userInfo().username }],
    });
    const promoted = await modelreg(['promote', 'shop/sales/xgb', '--reason', 'ticket-42'], { cwd });
    expect(promoted).toEqual({ code: 0, stderr: '', stdout: 'shop/sales/xgb@production -> 3 (previous: 1)\n' });
    expect((await json(['info', 'shop/sales/xgb@production'])).version).toBe(3);

    const rolledBack = await json(['rollback', 'shop/sales/xgb']);
    expect(rolledBack).toMatchObject({ name: 'shop/sales/xgb', alias: 'production', version: 1, ref: 'shop/sales/xgb@1', previous: [] });
    expect(rolledBack.history.map((event: any) => [event.version, event.action, event.reason ?? null])).toEqual([
      [1, 'set', null],
      [3, 'set', 'ticket-42'],
      [1, 'rollback', null],
    ]);
    const nothingLeft = await modelreg(['rollback', 'shop/sales/xgb'], { cwd });
    expect(nothingLeft.code).toBe(1);
    expect(nothingLeft.stderr).toBe('modelreg: Alias "production" of shop/sales/xgb has no earlier target to roll back to.\n');

    expect(await json(['alias', 'set', 'shop/sales/xgb@2', 'staging'])).toMatchObject({ alias: 'staging', version: 2 });
    const listed = await json(['alias', 'ls', 'shop/sales/xgb']);
    expect(listed.aliases.map((alias: any) => [alias.alias, alias.version])).toEqual([
      ['production', 1],
      ['staging', 2],
    ]);
    expect((await modelreg(['alias', 'list', 'shop/sales/xgb'], { cwd })).stdout).toMatch(/staging\s+│ 2\s+│ -\s+│ \d{4}-\d\d-\d\d \d\d:\d\d set/);
    expect(await json(['alias', 'rm', 'shop/sales/xgb', 'staging'])).toEqual({ removed: { name: 'shop/sales/xgb', alias: 'staging' } });
    expect((await modelreg(['alias', 'rm', 'shop/sales/xgb', 'staging'], { cwd })).code).toBe(1);
    expect((await modelreg(['promote', 'shop/sales/xgb@9', 'staging'], { cwd })).code).toBe(1);
    expect((await modelreg(['promote', 'shop/sales/xgb@1', '..'], { cwd })).code).toBe(2);
    expect((await modelreg(['alias', 'set', 'shop/sales/xgb@1'], { cwd })).code).toBe(2);
  }));

it('records who moved an alias: --by, else MODELREG_ACTOR; alias history lists every move with who and why', () =>
  withThreeVersions(async (cwd) => {
    const asPipeline = { cwd, env: { MODELREG_ACTOR: 'nightly-pipeline' } };
    await modelregJson(['promote', 'shop/sales/xgb@1', '--reason', 'first'], asPipeline);
    await modelregJson(['promote', 'shop/sales/xgb@3', '--by', 'alice', '--reason', 'rmse better'], asPipeline);
    await modelregJson(['alias', 'set', 'shop/sales/xgb@2', 'staging', '--by', 'bob'], { cwd });
    const rolledBack = await modelregJson(['rollback', 'shop/sales/xgb', '--by', 'carol', '--reason', 'latency regression'], { cwd });
    expect(rolledBack.history.map((event: any) => [event.action, event.version, event.by])).toEqual([
      ['set', 1, 'nightly-pipeline'],
      ['set', 3, 'alice'],
      ['rollback', 1, 'carol'],
    ]);

    const history = await modelregJson(['alias', 'history', 'shop/sales/xgb'], { cwd });
    expect(history.name).toBe('shop/sales/xgb');
    expect(history.moves.map((move: any) => [move.alias, move.action, move.version, move.by, move.reason ?? null])).toEqual([
      ['production', 'set', 1, 'nightly-pipeline', 'first'],
      ['production', 'set', 3, 'alice', 'rmse better'],
      ['staging', 'set', 2, 'bob', null],
      ['production', 'rollback', 1, 'carol', 'latency regression'],
    ]);
    expect((await modelregJson(['alias', 'history', 'shop/sales/xgb', 'staging'], { cwd })).moves).toHaveLength(1);
    const text = (await modelreg(['alias', 'history', 'shop/sales/xgb'], { cwd })).stdout;
    expect(text).toMatch(/production\s+│ rollback -> 1\s+│ carol\s+│ latency regression/);
    expect((await modelreg(['alias', 'ls', 'shop/sales/xgb'], { cwd })).stdout).toMatch(/rollback by carol \(latency regression\)/);
  }));

it('deletes a version, refusing one an alias points at unless --force', () =>
  withThreeVersions(async (cwd) => {
    await modelregJson(['promote', 'shop/sales/xgb@2'], { cwd });
    expect(await modelregJson(['rm', 'shop/sales/xgb@1'], { cwd })).toEqual({
      deleted: { store: 'shop', product: 'sales', type: 'xgb', version: 1, ref: 'shop/sales/xgb@1', danglingAliases: [], brokenDependents: [] },
    });
    const refused = await modelreg(['rm', 'shop/sales/xgb@2'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is the target of alias "production"');
    const forced = await modelreg(['rm', 'shop/sales/xgb@2', '--force'], { cwd });
    expect(forced.stdout).toBe('Deleted shop/sales/xgb@2; its blobs are freed by the next "modelreg gc --yes".\nLeft dangling: alias "production".\n');
    expect((await modelregJson(['versions', 'shop/sales/xgb'], { cwd })).versions.map((version: any) => version.version)).toEqual([3]);
    expect((await modelreg(['rm', 'shop/sales/xgb@latest'], { cwd })).stderr).toContain('deleteVersion needs an explicit version');
    expect((await modelreg(['rm', 'shop/sales/xgb@1'], { cwd })).code).toBe(1);
  }));
