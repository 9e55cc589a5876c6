import { describe, expect, it } from '@jest/globals';
import { InvalidInputError, InvalidManifestError, MemoryStore, createRegistry, decodeManifest, parseRegistryConfig, sha256 } from '../src/index.js';

const valid = {
  schemaVersion: 2,
  store: 'shop',
  product: 'sales',
  type: 'xgb',
  version: 3,
  createdAt: '2026-11-23T10:00:00.000Z',
  description: '',
  tags: {},
  metrics: { rmse: 1.2 },
  params: { depth: 6 },
  dependencies: [],
  artifacts: [{ name: 'model.bin', kind: 'model', digest: sha256('x'), size: 1, mediaType: 'application/octet-stream', dependsOn: [] }],
};
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const key = 'models/shop/sales/xgb/3/manifest.json';

describe('manifest v2', () => {
  it('accepts a valid manifest', () => {
    expect(decodeManifest(bytes(valid), key, { store: 'shop', product: 'sales', type: 'xgb', version: 3 })).toEqual(valid);
  });

  it('reports a manifest without schemaVersion 2 as legacy, naming the key', () => {
    const { schemaVersion: _, ...legacy } = valid;
    expect(() => decodeManifest(bytes(legacy), key)).toThrow(InvalidManifestError);
    expect(() => decodeManifest(bytes({ ...valid, schemaVersion: 1 }), key)).toThrow(`Manifest ${key} has schemaVersion 1, not 2: it is a legacy`);
  });

  it('names each invalid field instead of dumping zod output', () => {
    const broken = { ...valid, metrics: { rmse: 'low' }, artifacts: [{ ...valid.artifacts[0], kind: 'weights', digest: 'md5:abc' }] };
    const attempt = () => decodeManifest(bytes(broken), key);
    expect(attempt).toThrow(InvalidManifestError);
    expect(attempt).toThrow(/metrics\.rmse: .*artifacts\.0\.kind: .*artifacts\.0\.digest: must be "sha256:"/);
  });

  it('rejects invalid JSON and a manifest that names another version than its key', () => {
    expect(() => decodeManifest(Buffer.from('{"schemaVersion": 2,'), key)).toThrow(/is not valid JSON/);
    expect(() => decodeManifest(bytes(valid), key, { store: 'shop', product: 'sales', type: 'xgb', version: 4 })).toThrow(
      /describes shop\/sales\/xgb@3, not shop\/sales\/xgb@4/,
    );
  });

  it('rejects artifact names that could escape the pull folder', () => {
    for (const name of ['../x', '/abs', 'a//b', 'a/./b', 'a\\b']) {
      expect(() => decodeManifest(bytes({ ...valid, artifacts: [{ ...valid.artifacts[0], name }] }), key)).toThrow(/artifacts\.0\.name/);
    }
  });
});

describe('registry config', () => {
  it('fails at construction with a message naming the field', () => {
    const backend = new MemoryStore();
    expect(() => createRegistry({ backend, concurrency: 0 })).toThrow(/Invalid registry config: concurrency: /);
    expect(() => createRegistry({ backend, prefix: 'a/../b' })).toThrow(/prefix: Invalid prefix/);
    expect(() => createRegistry({ backend: {} as never })).toThrow(/backend: must be an ObjectStore/);
    expect(() => createRegistry({ backend, modelTypes: { '..': {} } })).toThrow(/modelTypes/);
    expect(() => createRegistry({ backend, unknownOption: 1 } as never)).toThrow(InvalidInputError);
  });

  it('applies defaults', () => {
    expect(parseRegistryConfig({ backend: new MemoryStore() })).toMatchObject({ prefix: '', concurrency: 4, gcGracePeriodMs: 86_400_000, allowUnsafeStore: false, aliasHistoryLimit: 100 });
  });
});
