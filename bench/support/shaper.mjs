// A network shaper for the benchmarks: a TCP proxy in front of a test server that gives every
// connection what a real object store gives it, a capped rate and a first-byte latency. On loopback
// one connection moves hundreds of MB/s with no delay, which hides what parallel ranged GETs are for.
//
//   const shaper = await startShaper({ target: 'http://127.0.0.1:9000', bytesPerSecond: 40e6, latencyMs: 20 });
//   new S3Client({ endpoint: shaper.endpoint, ... });  ...  await shaper.stop();
//
// The proxy runs in a process of its own, so its CPU time and timers stay out of the figures of the
// process that measures.
//
// Each direction of each connection is shaped on its own: every chunk is delivered `latencyMs` after
// it arrived (so a request waits one latency for its first byte, as over a long link), and no faster
// than `bytesPerSecond` (a token bucket per connection, as one TCP stream of a real store is capped).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Transform } from 'node:stream';

/**
 * Delivers each chunk `latencyMs` after the link finished sending it, the link sending at most
 * `bytesPerSecond`, in order. Chunks in flight are accepted at once up to one second of the rate,
 * as a TCP window would; beyond that, backpressure holds the sender.
 */
class ShapedLink extends Transform {
  #queue = []; // { chunk, deliverAt, done } in delivery order
  #nextFreeAt = 0; // when the link has sent everything accepted so far, in ms of performance.now()
  #queuedBytes = 0;
  #timer = undefined;

  constructor(bytesPerSecond, latencyMs) {
    super();
    this.bytesPerMs = bytesPerSecond / 1000;
    this.latencyMs = latencyMs;
    this.windowBytes = bytesPerSecond;
  }

  _transform(chunk, _encoding, callback) {
    this.#nextFreeAt = Math.max(performance.now(), this.#nextFreeAt) + chunk.length / this.bytesPerMs;
    this.#queuedBytes += chunk.length;
    const windowFull = this.#queuedBytes > this.windowBytes;
    this.#queue.push({ chunk, deliverAt: this.#nextFreeAt + this.latencyMs, done: windowFull ? callback : undefined });
    this.#schedule();
    if (!windowFull) callback();
  }

  _flush(callback) {
    this.#queue.push({ chunk: null, deliverAt: this.#nextFreeAt + this.latencyMs, done: callback });
    this.#schedule();
  }

  #schedule() {
    if (this.#timer || this.#queue.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = performance.now();
      while (this.#queue.length > 0 && this.#queue[0].deliverAt <= now + 1) {
        const { chunk, done } = this.#queue.shift();
        if (chunk) {
          this.#queuedBytes -= chunk.length;
          this.push(chunk);
        }
        done?.();
      }
      this.#schedule();
    }, Math.max(0, this.#queue[0].deliverAt - performance.now()));
  }
}

/** Starts the proxy in a child process; resolves once it listens. */
export async function startShaper({ target, bytesPerSecond, latencyMs }) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), target, String(bytesPerSecond), String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await Promise.race([
    once(child.stdout.setEncoding('utf8'), 'data'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`the network shaper exited with code ${code}`))),
  ]);
  return {
    endpoint: line.trim(),
    description: `${(bytesPerSecond / 1e6).toFixed(0)} MB/s and ${latencyMs} ms per connection`,
    async stop() {
      child.kill();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** The proxy itself: listens on a free loopback port and prints its endpoint. */
async function serveShaped(target, bytesPerSecond, latencyMs) {
  const { hostname, port } = new URL(target);
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // pipe(), not pipeline(): a server that closes its socket after a response must not cut off the
    // bytes still on their way to the client, as pipeline's teardown of the other direction would.
    client.pipe(new ShapedLink(bytesPerSecond, latencyMs)).pipe(upstream);
    upstream.pipe(new ShapedLink(bytesPerSecond, latencyMs)).pipe(client);
    const abort = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', abort);
    upstream.on('error', abort);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [target, bytesPerSecond, latencyMs] = process.argv.slice(2);
  await serveShaped(target, Number(bytesPerSecond), Number(latencyMs));
}
