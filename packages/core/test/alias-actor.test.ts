import { expect, it } from '@jest/globals';
import { KeyScheme, MemoryStore, aliasMoves, createRegistry, readAll } from '../src/index.js';

const line = { store: 'shop', product: 'sales', type: 'xgb' };

async function registryWithVersions(count: number) {
  const store = new MemoryStore();
  const registry = createRegistry({ backend: store });
  for (let version = 1; version <= count; version++) await registry.push('shop/sales/xgb', [{ name: 'model.bin', body: Buffer.from(`v${version}`) }]);
  return { store, registry };
}

it('records who moved an alias, and still reads documents written before moves had an author', async () => {
  const { store, registry } = await registryWithVersions(3);
  // An alias document as modelreg wrote it before `by` existed.
  const written = {
    schemaVersion: 1,
    alias: 'production',
    version: 2,
    previous: [1],
    history: [
      { version: 1, at: '2026-01-02T03:04:05.000Z', action: 'set' },
      { version: 2, at: '2026-02-03T04:05:06.000Z', action: 'set', reason: 'ticket 7' },
    ],
  };
  await store.put(new KeyScheme('').aliasKey(line, 'production'), Buffer.from(JSON.stringify(written)));
  const [old] = await registry.aliases(line);
  expect(old).toMatchObject({ alias: 'production', version: 2, previous: [1], history: written.history });
  expect(old!.history.every((event) => !('by' in event))).toBe(true);

  await registry.promote('shop/sales/xgb@3', 'production', { by: 'alice', reason: 'rmse better' });
  await registry.rollback(line, 'production', { by: 'ci: nightly #12' });
  await registry.setAlias('shop/sales/xgb@1', 'staging');
  const aliases = await registry.aliases(line);
  expect(aliasMoves(aliases).map(({ alias, action, version, by }) => [alias, action, version, by])).toEqual([
    ['production', 'set', 1, undefined],
    ['production', 'set', 2, undefined],
    ['production', 'set', 3, 'alice'],
    ['production', 'rollback', 2, 'ci: nightly #12'],
    ['staging', 'set', 1, undefined],
  ]);
  // A move without an author stores no empty field.
  expect('by' in aliases.find((alias) => alias.alias === 'staging')!.history[0]!).toBe(false);
});

it('keeps a field of a move it does not know, also when it writes the document again', async () => {
  const { store, registry } = await registryWithVersions(2);
  const later = { version: 1, at: '2026-01-02T03:04:05.000Z', action: 'set', by: 'alice', approvedBy: 'bob' }; // as a later release might write it
  const key = new KeyScheme('').aliasKey(line, 'production');
  await store.put(key, Buffer.from(JSON.stringify({ schemaVersion: 1, alias: 'production', version: 1, previous: [], history: [later] })));
  expect((await registry.resolve('shop/sales/xgb@production')).version).toBe(1);
  await registry.promote('shop/sales/xgb@2', 'production', { by: 'carol' });
  const stored = JSON.parse((await readAll((await store.get(key)).body)).toString('utf8')) as { history: object[] };
  expect(stored.history).toEqual([later, expect.objectContaining({ version: 2, action: 'set', by: 'carol' })]);
});
