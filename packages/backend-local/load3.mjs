import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const { createLoader, createRegistryReader } = await import('@modelreg/core/loader');
const { LocalStore } = await import('@modelreg/backend-local');
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 100 }); await s.post('Profiler.start');
for (const dir of ['a', 'b', 'c', 'd', 'e']) {
  const registry = createRegistryReader({ backend: new LocalStore({ root: '/tmp/prof/reg' }) });
  const loader = createLoader({ registry, cacheDir: '/tmp/prof/c3/' + dir });
  const t = performance.now();
  await loader.load('bench/model/cold@production');
  console.log(dir, (performance.now() - t).toFixed(1));
}
const { profile } = await s.post('Profiler.stop');
writeFileSync('/tmp/prof/p3/x.cpuprofile', JSON.stringify(profile));
