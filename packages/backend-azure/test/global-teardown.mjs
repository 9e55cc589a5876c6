/** Jest runs this after the last test, whether tests passed or not. */
export default async function globalTeardown() {
  await globalThis.modelregAzureTestServers?.stop();
  globalThis.modelregAzureTestServers = undefined;
}
