import { once } from 'node:events';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { Transform } from 'node:stream';

/**
 * A TCP proxy in front of the test server that damages request bodies on the way: every `marker`
 * sent by the client arrives with its last byte changed, as a flipped bit on a real link would.
 * Responses pass unchanged.
 */
export async function startCorruptingProxy(target: URL, marker: Buffer): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => client.destroy());
    }
    client.pipe(damaging(marker)).pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function damaging(marker: Buffer): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const copy = Buffer.from(chunk);
      for (let at = copy.indexOf(marker); at !== -1; at = copy.indexOf(marker, at + marker.length)) copy.writeUInt8(copy.readUInt8(at + marker.length - 1) ^ 0x01, at + marker.length - 1);
      callback(null, copy);
    },
  });
}
