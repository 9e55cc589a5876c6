export { type ExecuteImportOptions, type ImportLegacyOptions, executeImport, type ImportReport, type ImportedVersion, type VersionStatus, importLegacy } from './executor.js';
export { type PlanImportOptions, planImport } from './planner.js';
export * from './plan.js';
