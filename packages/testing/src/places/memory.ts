import { MemoryStore } from '@modelreg/core';
import type { Place } from './place.js';

/** An in-memory store: nothing outside this process, nothing to remove. */
export function memoryPlace(): Place {
  return { store: new MemoryStore(), url: undefined, env: {}, remove: async () => {} };
}
