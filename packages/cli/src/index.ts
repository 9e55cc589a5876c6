export { run } from './run.js';
export type { Io } from './output.js';
export { CONFIG_FILE_NAME, cliConfigSchema, findConfig, type CliConfig } from './config-file.js';
export { EXIT_OK, EXIT_FAILED, EXIT_USAGE } from './errors.js';
