import { IntegrityError } from '../errors.js';
import type { Artifact } from '../format/manifest.js';

/**
 * Why a version's artifact names cannot all be files under one folder, or undefined when they can:
 * a name given twice, a name that is also the folder of another (`a` and `a/b`), or names that
 * differ only in case (`M` and `m`), which are one file on case-insensitive filesystems.
 */
export function artifactNameClash(names: readonly string[]): string | undefined {
  const files = new Map<string, string>(); // case-folded name -> name
  const folders = new Map<string, string>(); // case-folded folder -> a name inside it
  for (const name of names) {
    const folded = name.toLowerCase();
    const same = files.get(folded);
    if (same === name) return `Artifact name "${name}" appears twice; names must be unique within a version.`;
    if (same !== undefined) return `Artifact names "${same}" and "${name}" differ only in case; they would be one file on case-insensitive filesystems (macOS, Windows).`;
    const inside = folders.get(folded);
    if (inside !== undefined) return fileAndFolder(name, inside);
    files.set(folded, name);
    const segments = folded.split('/');
    for (let end = 1; end < segments.length; end++) {
      const folder = segments.slice(0, end).join('/');
      const file = files.get(folder);
      if (file !== undefined) return fileAndFolder(file, name);
      if (!folders.has(folder)) folders.set(folder, name);
    }
  }
  return undefined;
}

function fileAndFolder(file: string, inside: string): string {
  const caseOnly = !inside.startsWith(`${file}/`);
  return `Artifact names "${file}" and "${inside}" clash: "${file}" would be a file and also the folder holding "${inside}"${caseOnly ? ' on case-insensitive filesystems' : ''}.`;
}

/**
 * Fails before anything is written when artifact names would clash as files in one folder (a
 * version pushed before such names were refused). Stored data the registry can no longer honour,
 * not a bad argument: an integrity problem of the version.
 */
export function assertNamesFitAFolder(ref: string, artifacts: readonly Artifact[], verb: 'pulled' | 'loaded'): void {
  const clash = artifactNameClash(artifacts.map((artifact) => artifact.name));
  if (clash) {
    throw new IntegrityError(
      `${ref} cannot be ${verb} into a folder: ${clash} It was pushed before modelreg refused such names; pull its artifacts one at a time, or push the version again with distinct names.`,
      { key: ref },
    );
  }
}
