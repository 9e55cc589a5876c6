import { describe, expect, it } from '@jest/globals';
import { AbortedError, BackendError, GuardedStore, InvalidInputError, MemoryStore, NotFoundError, createRegistry } from '../src/index.js';

class BrokenStore extends MemoryStore {
  override async head(): Promise<undefined> {
    throw new TypeError('socket hang up');
  }
}

describe('GuardedStore', () => {
  it('turns a raw backend error into a BackendError that names the store and key, keeping the cause', async () => {
    const registry = createRegistry({ backend: new BrokenStore() });
    const error = await registry.resolve('shop/sales/xgb@1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toBe('memory store: unexpected error on models/shop/sales/xgb/1/manifest.json: socket hang up');
    expect((error as BackendError).cause).toBeInstanceOf(TypeError);
  });

  it('passes core errors through unchanged', async () => {
    await expect(new GuardedStore(new MemoryStore()).get('missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects invalid keys, ranges and condition mixes before calling the backend', async () => {
    const store = new GuardedStore(new MemoryStore());
    for (const key of ['', '/abs', 'a//b', 'a/../b', 'a/./b']) expect(() => store.head(key)).toThrow(InvalidInputError);
    expect(() => store.get('k', { range: { offset: -1 } })).toThrow(/invalid range/);
    expect(() => store.put('k', Buffer.from('x'), { ifMatch: 'e', ifNoneMatch: '*' })).toThrow(/cannot be combined/);
  });

  it('checks the abort signal before each call', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new GuardedStore(new MemoryStore()).head('k', { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });
});
