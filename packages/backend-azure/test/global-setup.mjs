import { startTestServers } from '@modelreg/testing';

/** One Azure Blob server for the whole run, found or started by @modelreg/testing; the test workers, forked afterwards, inherit its connection string. */
export default async function globalSetup() {
  const servers = await startTestServers(['azure']);
  globalThis.modelregAzureTestServers = servers;
  process.stderr.write(`\nbackend-azure tests use ${servers.servers[0].description}\n`);
}
