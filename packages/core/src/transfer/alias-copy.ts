import { InvalidInputError, InvalidManifestError, PreconditionFailedError } from '../errors.js';
import type { AliasDocument, AliasEvent } from '../format/alias-document.js';
import { type ModelName, formatName } from '../format/keys.js';
import { formatRef } from '../format/refs.js';
import { encodeDocument } from '../registry/documents.js';
import type { RegistryParts } from '../registry/parts.js';
import { mapBounded } from '../util/concurrency.js';
import type { CopyReport } from './copy-types.js';

/** Compare-and-swap attempts on one destination alias before it is reported as changing too often. */
const MAX_ALIAS_ATTEMPTS = 10;

type AliasReport = CopyReport['aliases'];

/** How the destination's alias stands against the source's. */
type Relation = 'absent' | 'same' | 'behind' | 'ahead' | 'diverged';

/**
 * Copies the aliases of each line with their history. A destination alias whose history is an
 * earlier part of the source's is fast-forwarded (compare-and-swap); one whose history runs ahead
 * of the source's (moved at the destination after an earlier copy) is kept; diverged histories are
 * conflicts, never overwritten. An alias is only copied when the version it points at is at the
 * destination with the source's manifest.
 */
export async function copyAliases(
  source: RegistryParts,
  destination: RegistryParts,
  lines: readonly ModelName[],
  copiedVersions: ReadonlySet<string>,
  dryRun: boolean,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<AliasReport> {
  const report: AliasReport = { copied: [], updated: [], unchanged: [], kept: [], conflicts: [] };
  await mapBounded(lines, concurrency, signal, async (line, lineSignal) => {
    for await (const entry of source.store.list(source.keys.aliasesPrefix(line), { signal: lineSignal })) {
      if (entry.type !== 'object') continue;
      try {
        const parsed = source.keys.parse(entry.key);
        if (parsed.kind !== 'alias') continue;
        const original = await source.aliases.read(line, parsed.alias, lineSignal);
        const label = `${formatName(line)}@${parsed.alias}`;
        if (original) await copyAlias(destination, line, label, original.doc, copiedVersions, dryRun, report, lineSignal);
      } catch (error) {
        // A stray file or a corrupt alias at the source: reported, the other aliases still copied.
        if (!(error instanceof InvalidManifestError || error instanceof InvalidInputError)) throw error;
        report.conflicts.push({ ref: entry.key, reason: error.message });
      }
    }
  });
  for (const list of [report.copied, report.updated, report.unchanged, report.kept]) list.sort();
  report.conflicts.sort((a, b) => a.ref.localeCompare(b.ref));
  return report;
}

async function copyAlias(
  destination: RegistryParts,
  line: ModelName,
  label: string,
  wanted: AliasDocument,
  copiedVersions: ReadonlySet<string>,
  dryRun: boolean,
  report: AliasReport,
  signal: AbortSignal,
): Promise<void> {
  const target = formatRef({ ...line, version: wanted.version });
  if (!copiedVersions.has(target)) {
    report.conflicts.push({ ref: label, reason: `points at ${target}, which is not at the destination with the source's manifest` });
    return;
  }
  const key = destination.keys.aliasKey(line, wanted.alias);
  for (let attempt = 0; attempt < MAX_ALIAS_ATTEMPTS; attempt++) {
    const current = await destination.aliases.read(line, wanted.alias, signal);
    const relation = relationOf(current?.doc, wanted);
    if (relation === 'diverged') {
      report.conflicts.push({ ref: label, reason: 'the destination alias has a history the source does not share; move it by hand' });
      return;
    }
    const outcome = { same: report.unchanged, ahead: report.kept, absent: report.copied, behind: report.updated }[relation];
    if (dryRun || relation === 'same' || relation === 'ahead') {
      outcome.push(label);
      return;
    }
    try {
      await destination.store.put(key, encodeDocument(wanted), {
        ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
        contentType: 'application/json',
        signal,
      });
      outcome.push(label);
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error; // moved meanwhile: look again
    }
  }
  report.conflicts.push({ ref: label, reason: 'the destination alias kept changing while it was copied; copy again' });
}

function relationOf(current: AliasDocument | undefined, wanted: AliasDocument): Relation {
  if (!current) return 'absent';
  if (JSON.stringify(current) === JSON.stringify(wanted)) return 'same';
  if (isEarlierPart(current.history, wanted.history)) return 'behind';
  if (isEarlierPart(wanted.history, current.history)) return 'ahead';
  return 'diverged';
}

/**
 * Whether history `a` is an earlier part of history `b`: `b` continues from `a`'s last event with
 * the same events before it. Either may have lost its oldest events to the history limit, so only
 * the events both still hold are compared.
 */
function isEarlierPart(a: readonly AliasEvent[], b: readonly AliasEvent[]): boolean {
  const last = a.at(-1);
  if (last === undefined) return false;
  const same = (x: AliasEvent, y: AliasEvent) => JSON.stringify(x) === JSON.stringify(y);
  const end = b.findLastIndex((event) => same(event, last));
  if (end === -1) return false;
  const overlap = Math.min(a.length, end + 1);
  for (let i = 1; i <= overlap; i++) if (!same(a[a.length - i]!, b[end + 1 - i]!)) return false;
  return true;
}
