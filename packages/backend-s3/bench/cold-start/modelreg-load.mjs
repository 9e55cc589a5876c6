// A serverless function's cold start with modelreg: import, resolve @production, load into an empty cache.
// Settings come from the parent benchmark through MODELREG_COLD_* variables.
const start = performance.now();
const { createLoader, createRegistryReader } = await import('@modelreg/core/loader');
const { S3Store } = await import('@modelreg/backend-s3');
const imported = performance.now();
const env = process.env;
const backend = new S3Store({
  bucket: env.MODELREG_COLD_BUCKET,
  endpoint: env.MODELREG_COLD_ENDPOINT,
  region: env.MODELREG_COLD_REGION,
  forcePathStyle: true,
});
const registry = createRegistryReader({ backend, prefix: env.MODELREG_COLD_PREFIX });
const model = await createLoader({ registry, cacheDir: env.MODELREG_COLD_TARGET }).load(`${env.MODELREG_COLD_LINE}@production`);
if (model.downloadedBytes !== Number(env.MODELREG_COLD_BYTES)) throw new Error(`downloaded ${model.downloadedBytes} bytes`);
report(imported - start, performance.now() - start);

function report(importMs, totalMs) {
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ importMs, totalMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
}
