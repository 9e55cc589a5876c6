import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerAliases } from './commands/aliases.js';
import { registerCompare } from './commands/compare.js';
import { registerInfo } from './commands/info.js';
import { registerList } from './commands/list.js';
import { registerMaintenance } from './commands/maintenance.js';
import { registerPull } from './commands/pull.js';
import { registerPurge } from './commands/purge.js';
import { registerPush } from './commands/push.js';
import { registerRemove } from './commands/remove.js';
import { CONFIG_FILE_NAME } from './config-file.js';
import { DEFAULT_REGISTRY } from './context.js';
import type { Io } from './output.js';
import { URL_FORMS } from './registry-url.js';

/** The package's own version, read from package.json (next to dist/) so the two cannot drift. */
const { version: VERSION } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `modelreg` command tree; the global options are accepted before or after the command name. */
export function buildProgram(io: Io): Command {
  const program = new Command('modelreg')
    .description('Push, pull, list, compare, promote and clean up model versions on a local folder, S3 or Azure Blob Storage.')
    .version(VERSION)
    .option('-r, --registry <url>', `where the registry lives: ${URL_FORMS} (default: $MODELREG_REGISTRY, else "registry" in ${CONFIG_FILE_NAME}, else ${DEFAULT_REGISTRY})`)
    .option('--json', 'print one JSON document on stdout instead of tables')
    .option('--progress', 'show progress bars even when stderr is not a terminal')
    .option('--no-progress', 'never show progress bars')
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Usage errors read like every other error: one line, prefixed with the program name.
      outputError: (text, write) => write(`modelreg: ${text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (see modelreg --help)\n`),
    });
  // Commands copy exitOverride and the output settings above when they are added, so these come first.
  for (const register of [registerPush, registerPull, registerList, registerInfo, registerCompare, registerAliases, registerRemove, registerPurge, registerMaintenance]) {
    register(program, io);
  }
  return program;
}
