/**
 * A zod schema built the first time it is used instead of when its module is imported: building
 * the schemas a loader reaches took about 10 ms of a serverless cold start's import, most of it
 * zod's first run, which the first parse then pays only if the function gets that far.
 *
 * The stand-in has the schema's type and forwards every read to the schema, so `parse`,
 * `safeParse`, `parseOptions` and composing it into other schemas (zod or zod/mini) work as with
 * the schema itself. It is not the same object: register the built schema, not the stand-in, in a
 * zod registry keyed by identity.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const schema = (): T => (built ??= build());
  return new Proxy({} as T, {
    get: (_, property) => Reflect.get(schema(), property),
    has: (_, property) => Reflect.has(schema(), property),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
}
