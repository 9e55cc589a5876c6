import { CONNECTION_STRING_VARIABLE, startAzureTestServer } from './server/azure-test-server.mjs';

/** Starts one Azure Blob server for the whole run; the test workers, forked afterwards, inherit its connection string. */
export default async function globalSetup() {
  const server = await startAzureTestServer();
  globalThis.modelregAzureTestServer = server;
  process.env[CONNECTION_STRING_VARIABLE] = server.connectionString;
  console.log(`\nbackend-azure tests use ${server.description}`);
}
