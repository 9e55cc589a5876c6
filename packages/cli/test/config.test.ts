import { expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { modelreg, modelregJson, withTempDir } from './support/cli.js';

const location = async (cwd: string, args: string[] = [], env: Record<string, string> = {}) =>
  (await modelregJson(['stats', ...args], { cwd, env })).registry;

it('finds the registry: --registry, then MODELREG_REGISTRY, then modelreg.config.json upward, then ./.modelreg', () =>
  withTempDir(async (root) => {
    const deep = join(root, 'project', 'src', 'deep');
    await mkdir(deep, { recursive: true });
    await writeFile(join(deep, 'model.bin'), 'weights');

    expect(await location(deep)).toBe(join(deep, '.modelreg'));
    await modelregJson(['push', 'a/b/c', 'model.bin'], { cwd: deep });
    expect(existsSync(join(deep, '.modelreg', 'models'))).toBe(true);

    // A relative registry in a config file is relative to that file, wherever the command runs.
    await writeFile(join(root, 'project', 'modelreg.config.json'), JSON.stringify({ registry: 'registry-dir' }));
    expect(await location(deep)).toBe(join(root, 'project', 'registry-dir'));
    expect(await location(join(root, 'project'))).toBe(join(root, 'project', 'registry-dir'));

    const fromEnv = join(root, 'env-registry');
    expect(await location(deep, [], { MODELREG_REGISTRY: fromEnv })).toBe(fromEnv);
    expect(await location(deep, ['--registry', 'flag-registry'], { MODELREG_REGISTRY: fromEnv })).toBe(join(deep, 'flag-registry'));
    expect(await location(deep, ['--registry', pathToFileURL(join(root, 'by-url')).href])).toBe(join(root, 'by-url'));

    // The registry found first is the one written to.
    await modelregJson(['push', 'x/y/z', 'model.bin'], { cwd: deep });
    expect((await modelregJson(['ls'], { cwd: root, env: { MODELREG_REGISTRY: join(root, 'project', 'registry-dir') } })).stores).toEqual(['x']);
  }));

it('applies the registry settings of the config file', () =>
  withTempDir(async (cwd) => {
    await writeFile(join(cwd, 'model.bin'), 'weights');
    await writeFile(
      join(cwd, 'modelreg.config.json'),
      JSON.stringify({ modelTypes: { xgb: { defaultParams: { lr: 0.1 } } }, retention: { keep: 1 }, metricDirections: { loss: 'lower' } }),
    );
    expect((await modelregJson(['push', 'a/b/xgb', 'model.bin', '--metric', 'loss=2'], { cwd })).manifest.params).toEqual({ lr: 0.1 });
    await modelregJson(['push', 'a/b/xgb', 'model.bin', '--metric', 'loss=1'], { cwd });
    const refused = await modelreg(['push', 'a/b/other', 'model.bin'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('modelreg: Model type "other" is not allowed by this registry\'s config; allowed types: xgb.\n');
    expect((await modelregJson(['compare', 'a/b/xgb@1', 'a/b/xgb@2'], { cwd })).metrics[0]).toMatchObject({ name: 'loss', winner: 'b' });
    expect((await modelregJson(['retain'], { cwd })).deleted).toEqual(['a/b/xgb@1']);
  }));

it('reports an invalid config file or registry URL with exit code 2, without credentials', () =>
  withTempDir(async (cwd) => {
    const config = join(cwd, 'modelreg.config.json');
    const failure = async (args: string[], env: Record<string, string> = {}) => {
      const result = await modelreg(args, { cwd, env });
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
      return result.stderr;
    };
    await writeFile(config, '{"registry": 5, "concurrency": 0}');
    expect(await failure(['ls'])).toBe(`modelreg: ${config} is invalid: concurrency: Too small: expected number to be >=1; registry: Invalid input: expected string, received number.\n`);
    await writeFile(config, '{"registy": "./x"}');
    expect(await failure(['ls'])).toContain('Unrecognized key: "registy"');
    await writeFile(config, '{');
    expect(await failure(['ls'])).toContain(`${config} is not valid JSON`);
    await writeFile(config, '{}');

    expect(await failure(['ls', '-r', 'gs://bucket/prefix'])).toBe(
      'modelreg: Unsupported registry URL gs://bucket/prefix: expected a folder path, file:///abs/path, s3://bucket/prefix, az://account/container/prefix or an Azure connection string with ;Container=<name>.\n',
    );
    expect(await failure(['ls', '-r', 's3://'])).toContain('names no bucket');
    expect(await failure(['ls', '-r', 's3://bucket/p?endpont=http://x'])).toContain('Unknown parameter "endpont"');
    expect(await failure(['ls', '-r', 's3://bucket/p?forcePathStyle=maybe'])).toContain('forcePathStyle in registry URL');
    expect(await failure(['ls', '-r', 's3://bucket/p?endpoint=ftp://x'])).toContain('Invalid S3Store options: endpoint');
    expect(await failure(['ls', '-r', 'az://acct'])).toContain('must name an account and a container');
    expect(await failure(['ls', '-r', 'az://acct/Bad_Container'])).toContain('Invalid AzureBlobStore options: container');
    expect(await failure(['ls'], { MODELREG_REGISTRY: 'gs://x' })).toContain('Unsupported registry URL gs://x');
    // Anything that looks like a URL is one: a malformed scheme never becomes a local folder.
    expect(await failure(['ls', '-r', 's3:/bucket/p'])).toContain('Invalid registry URL s3:/bucket/p: "s3:" must be followed by "//"');
    expect(await failure(['ls', '-r', 's3//bucket/p'])).toContain('Invalid registry URL s3//bucket/p: did you mean "s3://"?');
    expect(await failure(['ls', '-r', 'az:acct/c'])).toContain('"az:" must be followed by "//"');
    const credentials = await failure(['ls', '-r', 's3://AKIAEXAMPLE:wJalrSECRET@bucket/p']);
    expect(credentials).toContain('cannot carry credentials');
    expect(credentials).not.toContain('wJalrSECRET');
    const userInfo = await modelreg(['stats', '-r', 's3://bucket/p?endpoint=http://user:hunter2@127.0.0.1:1', '--json'], { cwd });
    expect(userInfo.code).toBe(1); // nothing listens there
    expect(userInfo.stderr + userInfo.stdout).not.toContain('hunter2');
    const secret = 'c2VjcmV0LWtleQ==';
    const connectionString = await failure(['ls', '-r', `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${secret};EndpointSuffix=core.windows.net`]);
    expect(connectionString).toContain('is an Azure connection string that names no container: append ;Container=<name>');
    expect(connectionString).not.toContain(secret);
    const noAccount = await failure(['ls', '-r', `DefaultEndpointsProtocol=https;AccountKey=${secret};Container=models`]);
    expect(noAccount).toContain('names no account: it needs AccountName= or BlobEndpoint=');
    expect(noAccount).not.toContain(secret);
    const sas = await failure(['ls', '-r', 'https://acct.blob.core.windows.net/models?sv=2024&sig=SECRETSIG']);
    expect(sas).not.toContain('SECRETSIG');
  }));
