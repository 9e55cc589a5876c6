import type { RegistryStats } from '../maintenance/stats.js';
import type { UnreadableEntry } from '../catalog/manifest-source.js';

/** What `modelreg stats --json` prints and the web view's overview shows: where the registry lives, then its counts. */
export type StatsView = { registry: string } & Omit<RegistryStats, 'unreadable'>;

/** Splits the entries the scan skipped (reported separately, as warnings) from the counts. */
export function statsView(location: string, stats: RegistryStats): { view: StatsView; unreadable: UnreadableEntry[] } {
  const { unreadable, ...counts } = stats;
  return { view: { registry: location, ...counts }, unreadable };
}
