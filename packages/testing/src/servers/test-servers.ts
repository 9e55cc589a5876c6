import { azureVariables, s3Variables } from './environment.js';
import { type ServerLease, acquireServer } from './pool.js';
import type { ServerKind, TestServer } from './types.js';

/** Servers held for a whole test run, published to the processes started after them. */
export interface TestServers {
  servers: TestServer[];
  /** The MODELREG_TEST_* variables that name the servers, as set in `process.env`. */
  env: Record<string, string>;
  /** Releases the servers (stopping those this process started) and restores the variables. */
  stop(): Promise<void>;
}

/**
 * Finds or starts one server of each kind and sets MODELREG_TEST_* variables in `process.env`, so
 * that processes started from now on (jest workers, `node --test` files) use these servers
 * instead of starting their own. Made for a jest globalSetup or a script that runs a suite.
 */
export async function startTestServers(kinds: readonly ServerKind[]): Promise<TestServers> {
  const leases: ServerLease<ServerKind>[] = [];
  try {
    for (const kind of new Set(kinds)) leases.push(await acquireServer(kind));
  } catch (error) {
    await Promise.all(leases.map((lease) => lease.release()));
    throw error;
  }
  const env = Object.assign({}, ...leases.map(({ server }) => variablesOf(server))) as Record<string, string>;
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  let stopped = false;
  return {
    servers: leases.map((lease) => lease.server),
    env,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await Promise.all(leases.map((lease) => lease.release()));
    },
  };
}

function variablesOf(server: TestServer): Record<string, string> {
  return server.kind === 's3' ? s3Variables((server as TestServer<'s3'>).connection) : azureVariables((server as TestServer<'azure'>).connection);
}

const jestSetups: TestServers[] = [];

/**
 * A jest `globalSetup` that starts the servers once for the whole run; its workers inherit them.
 * `export default jestGlobalSetup(['s3'])` in the setup file, and `jestGlobalTeardown` as the teardown.
 */
export function jestGlobalSetup(kinds: readonly ServerKind[]): () => Promise<void> {
  return async () => {
    const servers = await startTestServers(kinds);
    jestSetups.push(servers);
    for (const server of servers.servers) process.stderr.write(`\n@modelreg/testing: ${server.kind} tests use ${server.description}\n`);
  };
}

/** Stops what every `jestGlobalSetup` of this run started (jest runs setups and teardowns in one process). */
export async function jestGlobalTeardown(): Promise<void> {
  await Promise.all(jestSetups.splice(0).map((servers) => servers.stop()));
}
