import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore } from '@modelreg/backend-local';
import type { Place } from './place.js';

/** A temp folder, deleted by `remove`. Writes skip fsync: the data is thrown away anyway. */
export async function localPlace(label: string): Promise<Place> {
  const root = await mkdtemp(join(tmpdir(), `modelreg-${label}-`));
  return { store: new LocalStore({ root, durable: false }), url: root, env: {}, remove: () => rm(root, { recursive: true, force: true }) };
}
