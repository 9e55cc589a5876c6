// Read views shared by the CLI's `--json` output and the web view, so the two never disagree.
export * from './version-summary.js';
export * from './line-summary.js';
export * from './alias-view.js';
export * from './lineage-view.js';
export * from './stats-view.js';
export * from './json.js';
