// The same cold start by hand with the raw SDK: import, one GetObject of the model's bytes, streamed to a file.
const start = performance.now();
const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
const { createWriteStream } = await import('node:fs');
const { pipeline } = await import('node:stream/promises');
const imported = performance.now();
const env = process.env;
const client = new S3Client({
  endpoint: env.MODELREG_COLD_ENDPOINT,
  region: env.MODELREG_COLD_REGION,
  forcePathStyle: true,
  // The settings the S3 backend uses for S3-compatible servers (see test-servers notes).
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const { Body } = await client.send(new GetObjectCommand({ Bucket: env.MODELREG_COLD_BUCKET, Key: env.MODELREG_COLD_KEY }));
await pipeline(Body, createWriteStream(env.MODELREG_COLD_TARGET));
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ importMs: imported - start, totalMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 }));
