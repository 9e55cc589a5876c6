import { afterEach, describe, expect, it } from '@jest/globals';
import { UnsafeStoreError, createRegistry } from '@modelreg/core';
import { S3Store } from '../src/index.js';
import { type ConditionHandling, type LenientS3Server, startLenientS3Server } from './support/lenient-s3-server.js';
import { recordCommands } from './support/record-commands.js';
import { createTestStore } from './support/s3-test-config.js';

const servers: LenientS3Server[] = [];

async function storeOn(conditions: ConditionHandling): Promise<{ store: S3Store; server: LenientS3Server }> {
  const server = await startLenientS3Server({ conditions });
  servers.push(server);
  const store = new S3Store({
    bucket: 'probe-test',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { store, server };
}

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe('verifyCapabilities', () => {
  it('finds a server that ignores conditional writes, cleans up, and the registry refuses to push there', async () => {
    const { store, server } = await storeOn('ignored');
    expect(await store.verifyCapabilities()).toEqual({ conditionalWrites: false, staging: false, boundedMemory: true, fileCopy: false });
    expect(store.capabilities.conditionalWrites).toBe(false);
    expect(server.objects.size).toBe(0);

    const registry = createRegistry({ backend: store });
    await expect(registry.push('shop/sales/xgb', [{ name: 'm', body: Buffer.from('x') }])).rejects.toBeInstanceOf(UnsafeStoreError);
    expect(server.objects.size).toBe(0);
  });

  it('finds a server that lets ifMatch create a missing key', async () => {
    const { store, server } = await storeOn('if-match-creates-missing');
    expect((await store.verifyCapabilities()).conditionalWrites).toBe(false);
    expect(server.objects.size).toBe(0);
  });

  it('refuses, naming the release, a server that refuses create-if-absent on a missing key', async () => {
    const { store, server } = await storeOn('refused-on-missing');
    const probe = store.verifyCapabilities();
    await expect(probe).rejects.toBeInstanceOf(UnsafeStoreError);
    await expect(probe).rejects.toThrow(/If-None-Match.*RELEASE\.2025-09-07T16-13-09Z/);
    expect(server.objects.size).toBe(0);
    const registry = createRegistry({ backend: store });
    await expect(registry.push('shop/sales/xgb', [{ name: 'm', body: Buffer.from('x') }])).rejects.toBeInstanceOf(UnsafeStoreError);
  });

  it('passes a server that enforces conditions, the same imitation otherwise', async () => {
    const { store, server } = await storeOn('enforced');
    expect((await store.verifyCapabilities()).conditionalWrites).toBe(true);
    expect(server.objects.size).toBe(0);
  });

  it('passes the real test server, once per store, leaving no probe objects', async () => {
    const store = createTestStore();
    const sent = recordCommands(store.client);
    expect((await store.verifyCapabilities()).conditionalWrites).toBe(true);
    const requests = sent.length;
    expect((await store.verifyCapabilities()).conditionalWrites).toBe(true);
    expect(sent.length).toBe(requests);
    const left: string[] = [];
    for await (const entry of store.list('.modelreg-probe/')) left.push(entry.type === 'object' ? entry.key : entry.prefix);
    expect(left).toEqual([]);
  });
});
