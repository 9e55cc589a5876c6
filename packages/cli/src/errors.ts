import { CommanderError } from 'commander';
import { InvalidInputError, isModelregError, redactSecrets } from '@modelreg/core';

/** Exit codes of every command; documented in the README. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The command line, the config file or an input file is unusable; nothing was done. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command that ran but found a problem (e.g. `verify` found corrupt blobs); its report is already printed. */
export class ReportedFailure extends Error {
  override readonly name = 'ReportedFailure';
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ReportedFailure) return EXIT_FAILED;
  // Core rejects a bad reference, id, metric or path with InvalidInputError before touching storage.
  if (error instanceof UsageError || error instanceof InvalidInputError) return EXIT_USAGE;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  return EXIT_FAILED;
}

/** One line for the user; with `--debug`, the stack and the chain of causes too. */
export function describeError(error: unknown, debug: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!debug) return redactSecrets(`modelreg: ${message}`);
  const lines: string[] = [];
  for (let current: unknown = error; current !== undefined; current = current instanceof Error ? current.cause : undefined) {
    const code = isModelregError(current) ? ` [${current.code}]` : '';
    lines.push(current instanceof Error ? `${current.stack ?? current.message}${code}` : String(current));
  }
  return redactSecrets(lines.join('\ncaused by: '));
}
