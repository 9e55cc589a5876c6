import { BackendError, InvalidInputError, ModelregError, throwIfAborted } from '../errors.js';
import type {
  GetOptions, GetResult, IncompleteWrite, ListEntry, ListOptions, ObjectInfo, ObjectStore, OperationOptions, PutBody, PutFileOptions, PutOptions, PutResult, StagedFile,
  StagedWrite, StoreCapabilities,
} from './object-store.js';

/** Keys are relative, `/`-separated, with no empty, `.` or `..` segment. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key === '' || key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new InvalidInputError(`Invalid storage key ${JSON.stringify(key)}: keys are relative "/"-separated paths without empty, "." or ".." segments.`, {
      key: String(key),
    });
  }
}

function assertValidPut(key: string, options: PutOptions): void {
  assertValidKey(key);
  if (options.ifMatch !== undefined && options.ifNoneMatch !== undefined) {
    throw new InvalidInputError(`put ${key}: ifMatch and ifNoneMatch cannot be combined.`, { key });
  }
}

/** Whatever a backend threw, the caller gets a `ModelregError` (a backend bug must not leak raw errors). */
function normalize(error: unknown, key: string | undefined, store: ObjectStore): ModelregError {
  if (error instanceof ModelregError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BackendError(`${store.description}: unexpected error${key === undefined ? '' : ` on ${key}`}: ${message}`, { key, cause: error });
}

async function guard<T>(store: ObjectStore, key: string | undefined, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  throwIfAborted(signal, key);
  try {
    return await work();
  } catch (error) {
    throw normalize(error, key, store);
  }
}

async function* guardIterable<T>(store: ObjectStore, prefix: string, signal: AbortSignal | undefined, iterate: () => AsyncIterable<T>): AsyncIterable<T> {
  throwIfAborted(signal, prefix);
  try {
    yield* iterate();
  } catch (error) {
    throw normalize(error, prefix, store);
  }
}

/** Publishing and dropping staged bytes (a staged write or a staged file), guarded like every other call. */
function guardStaged(store: ObjectStore, staged: Pick<StagedWrite, 'commit' | 'discard'>): Pick<StagedWrite, 'commit' | 'discard'> {
  return {
    commit: (key) => {
      assertValidKey(key);
      return guard(store, key, undefined, () => staged.commit(key));
    },
    discard: () => guard(store, undefined, undefined, () => staged.discard()),
  };
}

/**
 * The one wrapper between the registry and any backend: validates keys, checks the abort signal
 * before each call, and makes sure only core errors come out. Backends stay thin.
 */
export class GuardedStore implements ObjectStore {
  constructor(private readonly inner: ObjectStore) {}

  get capabilities(): StoreCapabilities {
    return this.inner.capabilities;
  }

  get description(): string {
    return this.inner.description;
  }

  put(key: string, body: PutBody, options: PutOptions = {}): Promise<PutResult> {
    assertValidPut(key, options);
    return guard(this.inner, key, options.signal, () => this.inner.put(key, body, options));
  }

  get(key: string, options: GetOptions = {}): Promise<GetResult> {
    assertValidKey(key);
    const range = options.range;
    if (range && (!Number.isSafeInteger(range.offset) || range.offset < 0 || (range.length !== undefined && (!Number.isSafeInteger(range.length) || range.length < 1)))) {
      throw new InvalidInputError(`get ${key}: invalid range ${JSON.stringify(range)}; offset must be >= 0 and length >= 1.`, { key });
    }
    return guard(this.inner, key, options.signal, () => this.inner.get(key, options));
  }

  head(key: string, options: OperationOptions = {}): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    return guard(this.inner, key, options.signal, () => this.inner.head(key, options));
  }

  list(prefix: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return guardIterable(this.inner, prefix, options.signal, () => this.inner.list(prefix, options));
  }

  delete(keys: readonly string[], options: OperationOptions = {}): Promise<void> {
    keys.forEach(assertValidKey);
    return guard(this.inner, keys[0], options.signal, () => this.inner.delete(keys, options));
  }

  touch(key: string, options: OperationOptions = {}): Promise<void> {
    assertValidKey(key);
    return guard(this.inner, key, options.signal, () => this.inner.touch(key, options));
  }

  get putFile(): ObjectStore['putFile'] {
    const putFile = this.inner.putFile?.bind(this.inner);
    if (!putFile) return undefined;
    return (key: string, path: string, options: PutFileOptions & { size: number }) => {
      assertValidPut(key, options);
      return guard(this.inner, key, options.signal, () => putFile(key, path, options));
    };
  }

  get stage(): ObjectStore['stage'] {
    const stage = this.inner.stage?.bind(this.inner);
    if (!stage) return undefined;
    return (options: OperationOptions = {}) =>
      guard(this.inner, undefined, options.signal, async (): Promise<StagedWrite> => {
        const staged = await stage(options);
        return { stream: staged.stream, ...guardStaged(this.inner, staged) };
      });
  }

  get stageFile(): ObjectStore['stageFile'] {
    const stageFile = this.inner.stageFile?.bind(this.inner);
    if (!stageFile) return undefined;
    return (sourcePath: string, options: OperationOptions = {}) =>
      guard(this.inner, undefined, options.signal, async (): Promise<StagedFile> => {
        const staged = await stageFile(sourcePath, options);
        return { path: staged.path, ...guardStaged(this.inner, staged) };
      });
  }

  get copyToFile(): ObjectStore['copyToFile'] {
    const copy = this.inner.copyToFile?.bind(this.inner);
    if (!copy) return undefined;
    return (key: string, path: string, options: OperationOptions = {}) => {
      assertValidKey(key);
      return guard(this.inner, key, options.signal, () => copy(key, path, options));
    };
  }

  get listIncompleteWrites(): ObjectStore['listIncompleteWrites'] {
    const list = this.inner.listIncompleteWrites?.bind(this.inner);
    if (!list) return undefined;
    return (prefix: string, options: OperationOptions = {}) => guardIterable(this.inner, prefix, options.signal, () => list(prefix, options));
  }

  get removeIncompleteWrite(): ObjectStore['removeIncompleteWrite'] {
    const remove = this.inner.removeIncompleteWrite?.bind(this.inner);
    return remove && ((write: IncompleteWrite, options: OperationOptions = {}) => guard(this.inner, write.key, options.signal, () => remove(write, options)));
  }

  get verifyCapabilities(): ObjectStore['verifyCapabilities'] {
    const verify = this.inner.verifyCapabilities?.bind(this.inner);
    return verify && ((options: OperationOptions = {}) => guard(this.inner, undefined, options.signal, () => verify(options)));
  }
}
