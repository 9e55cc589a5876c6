import { createRequire } from 'node:module';
import { REGISTRY_URL_FORMS } from '@modelreg/core';
import { Command, Option } from 'commander';
import { registerAliases } from './commands/aliases.js';
import { registerImport } from './commands/import.js';
import { registerCompare } from './commands/compare.js';
import { registerCopy } from './commands/copy.js';
import { registerInfo } from './commands/info.js';
import { registerList } from './commands/list.js';
import { registerMaintenance } from './commands/maintenance.js';
import { registerPull } from './commands/pull.js';
import { registerPurge } from './commands/purge.js';
import { registerPush } from './commands/push.js';
import { registerRemove } from './commands/remove.js';
import { registerUi } from './commands/ui.js';
import { registerReindex } from './commands/reindex.js';
import { CONFIG_FILE_NAME } from './config-file.js';
import { DEFAULT_REGISTRY } from './context.js';
import type { Io } from './output.js';

/** The package's own version, read from package.json (next to dist/) so the two cannot drift. */
const { version: VERSION } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Options every command accepts, before or after its name (see `GlobalOptions`). */
function globalOptions(): Option[] {
  return [
    new Option('-r, --registry <url>', `where the registry lives: ${REGISTRY_URL_FORMS} (default: $MODELREG_REGISTRY, else "registry" in ${CONFIG_FILE_NAME}, else ${DEFAULT_REGISTRY})`),
    new Option('--json', 'print one JSON document on stdout instead of tables'),
    new Option('--progress', 'show progress bars even when stderr is not a terminal'),
    new Option('--no-progress', 'never show progress bars'),
    new Option('--debug', 'print stack traces of errors'),
  ];
}

/**
 * The `modelreg` command tree. Options are positional: the program's own (`--version`) count only
 * before the command name, so no command's option (`push --version 7`) is taken by them. The global
 * options are declared on every command as well, so they still work before or after the name.
 */
export function buildProgram(io: Io): Command {
  const program = new Command('modelreg')
    .description('Push, pull, list, compare, promote and clean up model versions on a local folder, S3 or Azure Blob Storage.')
    .version(VERSION, '-V, --version')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Usage errors read like every other error: one line, prefixed with the program name.
      outputError: (text, write) => write(`modelreg: ${text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (see modelreg --help)\n`),
    });
  for (const option of globalOptions()) program.addOption(option);
  // Commands copy exitOverride, the output settings and positional options when they are added, so these come first.
  for (const register of [registerPush, registerPull, registerList, registerInfo, registerCompare, registerAliases, registerRemove, registerPurge, registerMaintenance, registerUi, registerCopy, registerImport, registerReindex]) {
    register(program, io);
  }
  for (const command of descendants(program)) for (const option of globalOptions()) command.addOption(option);
  // Commander lets a parent's value win over its command's; the one typed last (nearest the command) should.
  program.hook('preAction', (_program, actionCommand) => {
    for (const command of [...ancestry(actionCommand)].reverse()) {
      for (const key of GLOBAL_KEYS) {
        if (command.getOptionValueSource(key) === 'cli') program.setOptionValueWithSource(key, command.getOptionValue(key), 'cli');
      }
    }
  });
  return program;
}

const GLOBAL_KEYS = new Set(globalOptions().map((option) => option.attributeName()));

function* descendants(command: Command): Generator<Command> {
  for (const child of command.commands) {
    yield child;
    yield* descendants(child);
  }
}

/** `command` and its ancestors below the program, nearest first. */
function* ancestry(command: Command): Generator<Command> {
  for (let current: Command | null = command; current?.parent; current = current.parent) yield current;
}
