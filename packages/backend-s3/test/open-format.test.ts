import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { IntegrityError, createLoader, createRegistry } from '@modelreg/core';
import { tempDirPerBlock } from '@modelreg/core/testing';
import { pseudoRandomStream } from '@modelreg/core/testing/helpers';
import { Client } from 'minio';
import { createTestStore, s3TestConfig } from './support/s3-test-config.js';

// The key layout is an open format: a second, independent S3 client (minio) reads what modelreg
// writes, and modelreg reads a registry that minio wrote by plain PutObject calls.

const config = s3TestConfig();
const endpoint = new URL(config.endpoint);
const minio = new Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port),
  useSSL: endpoint.protocol === 'https:',
  accessKey: config.accessKeyId,
  secretKey: config.secretAccessKey,
  region: config.region,
  pathStyle: true,
});

// The documented layout (README "Key layout"): ids are [A-Za-z0-9._-] or %XX escapes.
const ID = '(?:[A-Za-z0-9._-]|%[0-9A-F]{2})+';
const LAYOUT = {
  manifest: new RegExp(`^models/(${ID})/(${ID})/(${ID})/([1-9][0-9]*)/manifest\\.json$`),
  alias: new RegExp(`^models/(${ID})/(${ID})/(${ID})/aliases/(${ID})\\.json$`),
  blob: /^blobs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/,
  gc: /^gc\/(?:leases|commits|runs)\/[^/]+\.json$/,
};

/** The documented id encoding, written here from the README's words rather than taken from core. */
function encodeId(id: string): string {
  return [...id].map((char) => (/^[A-Za-z0-9._-]$/.test(char) ? char : [...Buffer.from(char)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''))).join('');
}

async function listWithMinio(prefix: string): Promise<Array<{ key: string; size: number }>> {
  const listed: Array<{ key: string; size: number }> = [];
  for await (const item of minio.listObjectsV2(config.bucket, prefix, true)) {
    listed.push({ key: (item as { name: string }).name.slice(prefix.length), size: (item as { size: number }).size });
  }
  return listed;
}

async function readWithMinio(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await minio.getObject(config.bucket, key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('what modelreg writes, read by the minio client', () => {
  const prefix = `open-format-${randomBytes(4).toString('hex')}`;
  const store = createTestStore({ prefix });
  const registry = createRegistry({ backend: store });

  beforeAll(async () => {
    const shared = Buffer.from('an encoder both lines use');
    await registry.push('shop-eu/sales eu/xgb', [
      { name: 'model.bin', body: pseudoRandomStream(9 * 1024 * 1024 + 5, prefix).stream },
      { name: 'encoder.json', body: shared, kind: 'encoder' },
    ], { metrics: { rmse: 0.3 } });
    const second = await registry.push('shop-eu/sales eu/xgb', [{ name: 'model.bin', body: Buffer.from('v2') }, { name: 'encoder.json', body: shared, kind: 'encoder' }]);
    await registry.promote(second.ref, 'production');
    await registry.push('shop-us/sales/lgbm', [{ name: 'model.bin', body: Buffer.from('lgbm') }, { name: 'encoder.json', body: shared }]);
  });

  afterAll(async () => {
    const keys = (await listWithMinio(`${prefix}/`)).map(({ key }) => `${prefix}/${key}`);
    if (keys.length > 0) await minio.removeObjects(config.bucket, keys);
  });

  test('every key follows the documented layout, and every blob hashes to its key', async () => {
    const listed = await listWithMinio(`${prefix}/`);
    const unknown = listed.filter(({ key }) => !Object.values(LAYOUT).some((pattern) => pattern.test(key)));
    expect(unknown).toEqual([]);

    const blobs = listed.filter(({ key }) => LAYOUT.blob.test(key));
    // Two lines, three versions, five artifacts: the shared encoder is one blob.
    expect(blobs).toHaveLength(4);
    for (const { key, size } of blobs) {
      const [, fanOut, hex] = LAYOUT.blob.exec(key)!;
      expect(fanOut).toBe(hex!.slice(0, 2));
      expect(await sha256Of(await minio.getObject(config.bucket, `${prefix}/${key}`))).toBe(hex);
      expect(size).toBeGreaterThan(0);
    }
  });

  test('manifests name their own key, and every artifact points at a listed blob of its size', async () => {
    const listed = await listWithMinio(`${prefix}/`);
    const blobSizes = new Map(listed.filter(({ key }) => LAYOUT.blob.test(key)).map(({ key, size }) => [key.split('/').pop()!, size]));
    const manifests = listed.filter(({ key }) => LAYOUT.manifest.test(key));
    expect(manifests.map(({ key }) => key).sort()).toEqual([
      `models/shop-eu/${encodeId('sales eu')}/xgb/1/manifest.json`,
      `models/shop-eu/${encodeId('sales eu')}/xgb/2/manifest.json`,
      'models/shop-us/sales/lgbm/1/manifest.json',
    ]);
    for (const { key } of manifests) {
      const [, store, product, type, version] = LAYOUT.manifest.exec(key)!;
      const manifest = JSON.parse((await readWithMinio(`${prefix}/${key}`)).toString('utf8'));
      expect(manifest).toMatchObject({ schemaVersion: 2, store: decodeURIComponent(store!), product: decodeURIComponent(product!), type, version: Number(version) });
      for (const artifact of manifest.artifacts as Array<{ digest: string; size: number }>) {
        expect(artifact.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(blobSizes.get(artifact.digest.slice('sha256:'.length))).toBe(artifact.size);
      }
    }
  });

  test('an alias document names a version whose manifest exists', async () => {
    const listed = await listWithMinio(`${prefix}/`);
    const aliases = listed.filter(({ key }) => LAYOUT.alias.test(key));
    expect(aliases.map(({ key }) => key)).toEqual([`models/shop-eu/${encodeId('sales eu')}/xgb/aliases/production.json`]);
    const document = JSON.parse((await readWithMinio(`${prefix}/${aliases[0]!.key}`)).toString('utf8'));
    expect(document).toMatchObject({ schemaVersion: 1, alias: 'production', version: 2 });
    expect(listed.some(({ key }) => key === `models/shop-eu/${encodeId('sales eu')}/xgb/2/manifest.json`)).toBe(true);
  });
});

describe('a registry written by plain S3 calls (minio client), read by modelreg', () => {
  const prefix = `plain-writer-${randomBytes(4).toString('hex')}`;
  const line = { store: 'acme', product: 'shoes & boots', type: 'forecast' };
  const files = { 'model.bin': randomBytes(3 * 1024 * 1024 + 1), 'encoder.json': Buffer.from('{"classes": 3}') };
  const digestOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const lineKey = `${prefix}/models/${encodeId(line.store)}/${encodeId(line.product)}/${encodeId(line.type)}`;
  const cache = tempDirPerBlock('open-format');

  beforeAll(async () => {
    for (const bytes of Object.values(files)) {
      const hex = digestOf(bytes);
      await minio.putObject(config.bucket, `${prefix}/blobs/sha256/${hex.slice(0, 2)}/${hex}`, bytes, bytes.length);
    }
    const manifest = {
      schemaVersion: 2, ...line, version: 1, createdAt: '2026-11-01T12:00:00.000Z', description: 'written without modelreg',
      tags: { writer: 'minio' }, metrics: { rmse: 0.12 }, params: {}, dependencies: [],
      artifacts: Object.entries(files).map(([name, bytes]) => ({
        name, kind: name === 'encoder.json' ? 'encoder' : 'model', digest: `sha256:${digestOf(bytes)}`, size: bytes.length,
        mediaType: 'application/octet-stream', dependsOn: [],
      })),
    };
    await minio.putObject(config.bucket, `${lineKey}/1/manifest.json`, Buffer.from(JSON.stringify(manifest)));
    const alias = { schemaVersion: 1, alias: 'production', version: 1, previous: [], history: [{ version: 1, at: '2026-11-01T12:00:01.000Z', action: 'set' }] };
    await minio.putObject(config.bucket, `${lineKey}/aliases/production.json`, Buffer.from(JSON.stringify(alias)));
  });

  afterAll(async () => {
    const keys = (await listWithMinio(`${prefix}/`)).map(({ key }) => `${prefix}/${key}`);
    if (keys.length > 0) await minio.removeObjects(config.bucket, keys);
  });

  test('resolves, verifies and loads through the loader', async () => {
    const registry = createRegistry({ backend: createTestStore({ prefix }) });
    const ref = 'acme/shoes & boots/forecast@production';
    expect(await registry.stores()).toEqual(['acme']);
    expect(await registry.products('acme')).toEqual(['shoes & boots']);
    expect(await registry.resolve(ref)).toMatchObject({ version: 1 });
    expect((await registry.manifest(ref)).metrics).toEqual({ rmse: 0.12 });
    expect(await registry.verify()).toMatchObject({ ok: true, checkedBlobs: 2 });

    const loader = createLoader({ registry, cacheDir: cache.path });
    try {
      const model = await loader.load(ref);
      for (const [name, bytes] of Object.entries(files)) expect((await readFile(model.files[name]!)).equals(bytes)).toBe(true);
      model.release();
    } finally {
      await loader.close();
    }
  });

  test('a blob whose bytes do not match its key is caught by verify and by a pull', async () => {
    const registry = createRegistry({ backend: createTestStore({ prefix }) });
    const hex = digestOf(files['encoder.json']);
    const key = `${prefix}/blobs/sha256/${hex.slice(0, 2)}/${hex}`;
    await minio.putObject(config.bucket, key, Buffer.from('{"classes": 4}'));
    try {
      const report = await registry.verify();
      expect(report.ok).toBe(false);
      expect(report.corrupt).toHaveLength(1);
      const target = await mkdtemp(join(tmpdir(), 'modelreg-open-format-pull-'));
      try {
        await expect(registry.pull('acme/shoes & boots/forecast@1', target)).rejects.toThrow(IntegrityError);
      } finally {
        await rm(target, { recursive: true, force: true });
      }
    } finally {
      await minio.putObject(config.bucket, key, files['encoder.json']);
    }
  });
});
