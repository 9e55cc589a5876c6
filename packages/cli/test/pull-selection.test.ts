import { expect, it } from '@jest/globals';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelreg, modelregJson, seededTempDirs } from './support/cli.js';

/**
 * shop/sales/base@1 (a model and its encoder); shop/sales/cv@1: a scaler, three fold models on two
 * branches that need it, and a report; shop/sales/stack@1: a meta-model needing its transformer,
 * built from base@1 and cv@1.
 */
const withSeededRegistry = seededTempDirs(async (cwd) => {
  const push = (args: string[]) => modelregJson(['push', ...args], { cwd });
  await mkdir(join(cwd, 'base'));
  await writeFile(join(cwd, 'base', 'model.bin'), 'base model');
  await writeFile(join(cwd, 'base', 'encoder.json'), '{"enc":1}');
  await push(['shop/sales/base', 'base', '--kind', 'encoder.json=encoder']);
  await mkdir(join(cwd, 'cv', 'folds'), { recursive: true });
  await writeFile(join(cwd, 'cv', 'scaler.bin'), 'scaler');
  await writeFile(join(cwd, 'cv', 'report.json'), '{}');
  for (const fold of [0, 1, 2]) await writeFile(join(cwd, 'cv', 'folds', `${fold}.bin`), `fold ${fold}`);
  await push([
    'shop/sales/cv', 'cv',
    '--kind', 'scaler.bin=transformer', '--kind', 'report.json=other',
    ...[0, 1, 2].flatMap((fold) => ['--fold', `folds/${fold}.bin=${fold}`, '--depends-on', `folds/${fold}.bin=scaler.bin`]),
    '--branch', 'folds/0.bin=0/0', '--branch', 'folds/1.bin=0/1', '--branch', 'folds/2.bin=1',
  ]);
  await mkdir(join(cwd, 'stack'));
  await writeFile(join(cwd, 'stack', 'meta.bin'), 'meta');
  await writeFile(join(cwd, 'stack', 'prep.bin'), 'prep');
  await push(['shop/sales/stack', 'stack', '--kind', 'meta.bin=meta_model', '--kind', 'prep.bin=transformer', '--depends-on', 'meta.bin=prep.bin', '--dependency', 'shop/sales/base@1', '--dependency', 'folds=shop/sales/cv@1']);
});

const names = (pulled: { pulled: Array<{ ref: string; artifact: string }> }) => pulled.pulled.map((file) => `${file.ref} ${file.artifact}`);

it('push records branches, and pull selects by kind, fold and branch, repeatable or comma-separated, combined with --artifact', () =>
  withSeededRegistry(async (cwd) => {
    const manifest = (await modelregJson(['info', 'shop/sales/cv@1'], { cwd })).manifest;
    expect(manifest.artifacts.map((artifact: any) => [artifact.name, artifact.branch])).toEqual([
      ['folds/0.bin', [0, 0]],
      ['folds/1.bin', [0, 1]],
      ['folds/2.bin', [1]],
      ['report.json', undefined],
      ['scaler.bin', undefined],
    ]);
    const pull = (args: string[]) => modelregJson(['pull', 'shop/sales/cv@1', ...args], { cwd });
    expect(names(await pull(['by-kind', '--kind', 'transformer', '--kind', 'other']))).toEqual(['shop/sales/cv@1 report.json', 'shop/sales/cv@1 scaler.bin']);
    expect(await readdir(join(cwd, 'by-kind'))).toEqual(['report.json', 'scaler.bin']);
    expect(names(await pull(['by-fold', '--fold', '2,0']))).toEqual(['shop/sales/cv@1 folds/0.bin', 'shop/sales/cv@1 folds/2.bin']);
    expect(names(await pull(['by-fold-repeated', '--fold', '1', '--fold', '2']))).toEqual(['shop/sales/cv@1 folds/1.bin', 'shop/sales/cv@1 folds/2.bin']);
    expect(names(await pull(['by-branch', '--branch', '0']))).toEqual(['shop/sales/cv@1 folds/0.bin', 'shop/sales/cv@1 folds/1.bin']);
    expect(names(await pull(['combined', '--branch', '0', '--fold', '1']))).toEqual(['shop/sales/cv@1 folds/1.bin']);
    expect(names(await pull(['with-name', '--artifact', 'folds/2.bin', '--kind', 'model']))).toEqual(['shop/sales/cv@1 folds/2.bin']);
    expect(await readFile(join(cwd, 'combined', 'folds', '1.bin'), 'utf8')).toBe('fold 1');
    expect(await readdir(join(cwd, 'combined'))).toEqual(['folds']);
  }));

it('pulls with dependencies: dependsOn inside the version, then dependency versions whole and transitively, listed in order', () =>
  withSeededRegistry(async (cwd) => {
    const pulled = await modelregJson(['pull', 'shop/sales/stack@1', 'out', '--kind', 'meta_model', '--with-dependencies'], { cwd });
    expect(names(pulled)).toEqual([
      'shop/sales/base@1 encoder.json',
      'shop/sales/base@1 model.bin',
      'shop/sales/cv@1 scaler.bin',
      'shop/sales/cv@1 folds/0.bin',
      'shop/sales/cv@1 folds/1.bin',
      'shop/sales/cv@1 folds/2.bin',
      'shop/sales/cv@1 report.json',
      'shop/sales/stack@1 prep.bin',
      'shop/sales/stack@1 meta.bin',
    ]);
    expect(pulled.sources.map((source: any) => [source.ref, source.role, source.via])).toEqual([
      ['shop/sales/base@1', 'source', 'shop/sales/stack@1'],
      ['shop/sales/cv@1', 'folds', 'shop/sales/stack@1'],
    ]);
    expect(await readdir(join(cwd, 'out'))).toEqual(['meta.bin', 'prep.bin', 'sources']);
    expect(await readFile(join(cwd, 'out', 'sources', 'shop', 'sales', 'cv', '1', 'folds', '2.bin'), 'utf8')).toBe('fold 2');
    expect(pulled.pulled.at(-1).path).toBe(join(cwd, 'out', 'meta.bin'));

    const human = await modelreg(['pull', 'shop/sales/cv@1', 'fold0', '--fold', '0', '--with-dependencies'], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/scaler\.bin[\s\S]*folds\/0\.bin/); // its dependency first
    expect(human.stdout).toContain(`Pulled shop/sales/cv@1 into ${join(cwd, 'fold0')}.`);
    expect(await readdir(join(cwd, 'fold0'))).toEqual(['folds', 'scaler.bin']);
  }));

it('reports a kind, fold or branch that selects nothing, naming what exists, and a malformed one as a usage error; nothing is written', () =>
  withSeededRegistry(async (cwd) => {
    const fails = async (args: string[], code: number, message: RegExp) => {
      const result = await modelreg(['pull', 'shop/sales/cv@1', 'out', ...args], { cwd });
      expect([result.code, result.stderr]).toEqual([code, expect.stringMatching(message)]);
    };
    await fails(['--kind', 'encoder'], 1, /shop\/sales\/cv@1 has no artifact of kind encoder; its kinds: model, other, transformer/);
    await fails(['--fold', '0,9'], 1, /has no artifact of fold 9; its folds: 0, 1, 2/);
    await fails(['--branch', '2/1'], 1, /has no artifact on branch 2\/1; its branches: 0\/0, 0\/1, 1/);
    await fails(['--kind', 'transformer', '--fold', '1', '--with-dependencies'], 1, /No artifact of shop\/sales\/cv@1 meets every criterion \(kind transformer; fold 1\)/);
    await fails(['--kind', 'weights'], 2, /--kind weights: expected one of model, transformer/);
    await fails(['--fold', 'one'], 2, /--fold must be a finite number/);
    await fails(['--branch', '0/-1'], 2, /--branch 0\/-1: each index must be a whole number >= 0/);
    expect(await readdir(cwd)).not.toContain('out');
  }));
