/** Stops the server the global setup started, whether the tests passed or not. */
export default async function globalTeardown() {
  const server = globalThis.modelregS3TestServer;
  globalThis.modelregS3TestServer = undefined;
  await server?.stop();
}
