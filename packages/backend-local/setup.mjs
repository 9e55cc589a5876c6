import { createRegistry } from '@modelreg/core';
import { LocalStore } from '@modelreg/backend-local';
import { randomBytes } from 'node:crypto';
const registry = createRegistry({ backend: new LocalStore({ root: '/tmp/prof/reg' }) });
const p = await registry.push('bench/model/cold', [{ name: 'model.bin', body: randomBytes(5 * 1024 * 1024) }]);
await registry.promote(p.ref);
