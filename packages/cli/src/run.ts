import { CommanderError } from 'commander';
import { EXIT_OK, describeError, exitCodeFor } from './errors.js';
import type { Io } from './output.js';
import { buildProgram } from './program.js';

/** Runs one command line (without `node` and the script) and returns its exit code; never throws. */
export async function run(argv: string[], io: Io): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    // Commander has already printed its own usage message (or the help).
    if (!(error instanceof CommanderError)) io.stderr.write(`${describeError(error, argv.includes('--debug'))}\n`);
    return exitCodeFor(error);
  }
}
