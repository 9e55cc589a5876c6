import type { ArtifactBody, ArtifactInput, Registry } from '@modelreg/core';
import { pseudoRandomStream } from '@modelreg/core/testing/helpers';
import { type SeedContent, type SeedFile, type SeedSpec, type SeedVersion, parseSeedSpec } from './seed-spec.js';

/** A version a seed pushed, and the aliases it set on it. */
export interface SeededVersion {
  /** `store/product/type@<version>` */
  ref: string;
  version: number;
  aliases: string[];
}

/**
 * Pushes every version of a seed spec, lines in the order given and each line's versions in order,
 * then points each version's aliases at it. Dependencies may name lines seeded earlier.
 * A failure names the line and version entry; versions already pushed stay.
 */
export async function seedRegistry(registry: Registry, spec: SeedSpec, options: { signal?: AbortSignal } = {}): Promise<SeededVersion[]> {
  const seeded: SeededVersion[] = [];
  for (const { line, versions } of parseSeedSpec(spec)) {
    for (const [index, entry] of versions.entries()) {
      try {
        seeded.push(await pushEntry(registry, line, entry, options.signal));
      } catch (error) {
        // Prefixed rather than wrapped: the caller still gets the push's own error class and code.
        (error as Error).message = `Seeding ${line} entry #${index + 1} failed: ${(error as Error).message}`;
        throw error;
      }
    }
  }
  return seeded;
}

async function pushEntry(registry: Registry, line: string, entry: SeedVersion & { aliases: string[] }, signal: AbortSignal | undefined): Promise<SeededVersion> {
  const { version, files, aliases, ...meta } = entry;
  const target = version === undefined ? line : `${line}@${version}`;
  const artifacts = Object.entries(files).map(([name, file]) => artifactFor(`${line}/${name}`, name, file));
  const pushed = await registry.push(target, artifacts, meta, { signal });
  for (const alias of aliases) await registry.setAlias(pushed.ref, alias, { signal });
  return { ref: pushed.ref, version: pushed.version, aliases };
}

function artifactFor(seedOfBytes: string, name: string, file: SeedFile): ArtifactInput {
  if (typeof file === 'object' && 'content' in file) {
    const { content, ...fields } = file;
    return { ...fields, name, body: bodyOf(seedOfBytes, content) };
  }
  return { name, body: bodyOf(seedOfBytes, file) };
}

function bodyOf(seedOfBytes: string, content: SeedContent): ArtifactBody {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (content instanceof Uint8Array) return content;
  if ('path' in content) return content.path;
  return pseudoRandomStream(content.size, seedOfBytes).stream;
}
