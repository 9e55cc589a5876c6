import { findServer } from './find-server.js';
import type { ServerKind, TestServer } from './types.js';

/** A use of a shared server; the server stops when its last lease is released. */
export interface ServerLease<K extends ServerKind> {
  server: TestServer<K>;
  release(): Promise<void>;
}

interface Entry {
  server: Promise<TestServer>;
  users: number;
}

// One server per kind and process, however many registries use it: starting Ceph takes ~10 s.
const entries = new Map<ServerKind, Entry>();
const running = new Set<TestServer>();

// A test run that ends without releasing its leases (a crash, a forgotten stop()) leaves no daemons behind.
process.once('exit', () => {
  for (const server of running) {
    try {
      server.stopSync();
    } catch {
      // nothing else can be done while the process exits
    }
  }
});

/** The process's server of this kind, found or started on first use. */
export async function acquireServer<K extends ServerKind>(kind: K): Promise<ServerLease<K>> {
  let entry = entries.get(kind);
  if (entry === undefined) {
    const created: Entry = { server: startTracked(kind), users: 0 };
    created.server.catch(() => entries.get(kind) === created && entries.delete(kind)); // the next acquire tries again
    entries.set(kind, created);
    entry = created;
  }
  entry.users += 1;
  const shared = entry;
  let server: TestServer<K>;
  try {
    server = (await shared.server) as TestServer<K>;
  } catch (error) {
    shared.users -= 1;
    throw error;
  }
  let released = false;
  return {
    server,
    release: async () => {
      if (released) return;
      released = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      if (entries.get(kind) === shared) entries.delete(kind);
      running.delete(server);
      await server.stop();
    },
  };
}

async function startTracked(kind: ServerKind): Promise<TestServer> {
  const server = await findServer(kind);
  running.add(server);
  return server;
}
