/** Stops the server the global setup started, whether the tests passed or not. */
export default async function globalTeardown() {
  await globalThis.modelregS3TestServers?.stop();
  globalThis.modelregS3TestServers = undefined;
}
