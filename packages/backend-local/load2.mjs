const { createLoader, createRegistryReader } = await import('@modelreg/core/loader');
const { LocalStore } = await import('@modelreg/backend-local');
for (const dir of ['a', 'b', 'c']) {
  const t2 = performance.now();
  const registry = createRegistryReader({ backend: new LocalStore({ root: '/tmp/prof/reg' }) });
  const loader = createLoader({ registry, cacheDir: '/tmp/prof/c2/' + dir });
  const t = performance.now();
  const resolved = await registry.resolve('bench/model/cold@production');
  const t3 = performance.now();
  const m = await registry.readManifest(resolved, resolved.version);
  const t4 = performance.now();
  const model = await loader.load('bench/model/cold@production');
  const t5 = performance.now();
  console.log(dir, 'create', (t - t2).toFixed(1), 'resolve', (t3 - t).toFixed(1), 'manifest', (t4 - t3).toFixed(1), 'load', (t5 - t4).toFixed(1));
}
