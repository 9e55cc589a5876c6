/** How to reach an S3-compatible server. */
export interface S3Connection {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** A bucket to share, each registry under a prefix of its own; without one each registry gets a bucket of its own. */
  bucket?: string | undefined;
}

/** How to reach an Azure Blob service. */
export interface AzureConnection {
  connectionString: string;
  /** A container to share, each registry under a prefix of its own; without one each registry gets a container of its own. */
  container?: string | undefined;
}

export type ServerKind = 's3' | 'azure';

export interface Connections {
  s3: S3Connection;
  azure: AzureConnection;
}

/** A server found or started for tests, and how to get rid of it. */
export interface TestServer<K extends ServerKind = ServerKind> {
  kind: K;
  connection: Connections[K];
  /** What it is and where, for logs, e.g. `Ceph RADOS Gateway at http://127.0.0.1:40123`. */
  description: string;
  /** Stops the server if this process started it; a server named by environment variables is left alone. */
  stop(): Promise<void>;
  /** The same, synchronously, for process exit. */
  stopSync(): void;
}

/** A server given by the environment, which this process must never stop. */
export function givenServer<K extends ServerKind>(kind: K, connection: Connections[K], description: string): TestServer<K> {
  return { kind, connection, description, stop: async () => {}, stopSync: () => {} };
}
