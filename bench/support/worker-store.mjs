// The main thread's side of the benchmark fixture (fixture-worker.mjs): an ObjectStore whose every
// call is answered by the MemoryStore in the worker thread.
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { NotFoundError, PreconditionFailedError, readAll } from '@modelreg/core';

const ERRORS = { NotFoundError, PreconditionFailedError };

export class WorkerStore {
  capabilities = { conditionalWrites: true, staging: false, boundedMemory: false, fileCopy: false };
  description = 'memory store in a worker thread';
  #worker;
  #pending = new Map();
  #next = 0;
  #outbox = [];

  constructor(heapMib) {
    this.#worker = new Worker(new URL('./fixture-worker.mjs', import.meta.url), {
      workerData: { fixture: true },
      resourceLimits: { maxOldGenerationSizeMb: heapMib },
    });
    this.#worker.on('message', (answers) => {
      for (const { id, result, error } of answers) {
        const { resolve, reject } = this.#pending.get(id);
        this.#pending.delete(id);
        if (!error) resolve(result);
        else reject(new (ERRORS[error.name] ?? Error)(error.message, { key: error.key }));
      }
    });
    this.#worker.on('error', (error) => {
      for (const { reject } of this.#pending.values()) reject(error);
    });
  }

  /**
   * Runs a fixture operation (build, push, removeCatalog, or a store call) in the worker. Calls made
   * in the same turn travel in one message (the registry has many requests in flight).
   */
  call(operation, args = {}) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#outbox.length === 0) setImmediate(() => this.#worker.postMessage(this.#outbox.splice(0)));
      this.#outbox.push({ id, operation, args });
    });
  }

  async put(key, body, options = {}) {
    const bytes = body instanceof Readable ? await readAll(body) : body;
    return this.call('put', { key, bytes, options: withoutSignal(options) });
  }

  async get(key, options = {}) {
    const { bytes, ...info } = await this.call('get', { key, options: withoutSignal(options) });
    return { ...info, body: Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]) };
  }

  head(key) {
    return this.call('head', { key });
  }

  async *list(prefix, options = {}) {
    const id = this.#next++;
    try {
      for (;;) {
        const entries = await this.call('list', { id, prefix, options: withoutSignal(options) });
        yield* entries;
        if (entries.length < 1000) return;
      }
    } finally {
      await this.call('closeList', { id });
    }
  }

  delete(keys) {
    return this.call('delete', { keys });
  }

  touch(key) {
    return this.call('touch', { key });
  }

  terminate() {
    return this.#worker.terminate();
  }
}

/** An AbortSignal cannot cross to the worker; the benchmark never aborts. */
function withoutSignal({ signal: _signal, ...options }) {
  return options;
}
