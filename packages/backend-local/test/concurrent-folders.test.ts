import { expect, it } from '@jest/globals';
import { tempDirPerTest } from '@modelreg/core/testing';
import { LocalStore } from '../src/index.js';

const root = tempDirPerTest('local-folders');

// A delete removes the folders it empties (push leases under gc/leases/ come and go like this), so
// a write beside it may find a folder gone that it has just created, at any level of the key.
it('a write never fails because a concurrent delete removed the folders on its way', async () => {
  const store = new LocalStore({ root: root.path });
  // Four writers, each putting and deleting its own lease again and again, as concurrent pushes do.
  const writer = async (id: number) => {
    for (let round = 0; round < 150; round++) {
      await store.put(`gc/leases/${id}-${round}.json`, Buffer.from('lease'));
      await store.delete([`gc/leases/${id}-${round}.json`]);
    }
  };
  const results = await Promise.allSettled([0, 1, 2, 3].map(writer));
  expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
});
