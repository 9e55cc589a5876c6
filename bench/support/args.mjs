// Settings of every benchmark, one convention: command-line flags in kebab-case (`--size-mib 256`),
// each with one environment variable as a fallback, MODELREG_BENCH_<FLAG IN CAPS>
// (MODELREG_BENCH_SIZE_MIB). A flag wins over its variable, the variable over the default.
//
//   const settings = benchSettings({
//     usage: 'pnpm bench:local [-- options]',
//     about: 'Push and pull of a large random file ...',
//     options: { 'size-mib': { kind: 'integer', default: 1024, help: 'size of the file in MiB' } },
//   });
//   settings.sizeMib // 1024, or the flag's or the variable's value
//
// Tolerates the `--` that `pnpm <script> -- --flag` passes through, answers `--help`, and ends the
// process with a usage error (exit code 2) for an unknown flag, a stray argument, a bad value, or a
// variable of the old names (BENCH_MODEL_MIB, MODELREG_BENCH_MIB, ...), which are no longer read.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const ENV_PREFIX = 'MODELREG_BENCH_';
// Read by the benchmarks before this convention; now an error, not silently ignored.
const OLD_VARIABLES = ['BENCH_MODEL_MIB', 'BENCH_SMALL_MIB', 'BENCH_ROUNDS', 'BENCH_RANGE_MIB', 'BENCH_RANGE_CONCURRENCY', 'BENCH_ARTIFACT_MIB', 'MODELREG_BENCH_MIB'];

/** The `rounds` option of a benchmark that runs modelreg and a baseline in turns and compares their medians. */
export const ALTERNATING_ROUNDS = {
  kind: 'integer',
  default: 4,
  min: 3,
  help: 'rounds alternating which side goes first (an even count balances the order); the median of each side is reported',
};

/** MODELREG_BENCH_SIZE_MIB for `size-mib`. */
export const envName = (flag) => ENV_PREFIX + flag.toUpperCase().replaceAll('-', '_');

const camelCase = (flag) => flag.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

/**
 * @typedef {object} BenchOption
 * @property {'integer' | 'string'} kind  `integer`: a whole number >= `min` (default 1)
 * @property {number | string} [default] none: the setting is `undefined` unless given
 * @property {string} [defaultText]       how --help shows the default, when not the value itself
 * @property {number} [min]              for `integer`
 * @property {string} help
 */

/**
 * Reads the benchmark's settings from process.argv and the environment; exits on --help or a usage error.
 * @param {{ usage: string, about: string, options: Record<string, BenchOption>, argv?: string[], env?: NodeJS.ProcessEnv }} spec
 * @returns {Record<string, number | string | undefined>} by camelCase name (`sizeMib` for `--size-mib`)
 */
export function benchSettings({ usage, about, options, argv = process.argv.slice(2), env = process.env }) {
  const help = () => helpText(usage, about, options);
  const fail = (message) => {
    process.stderr.write(`${scriptName()}: ${message}\n\n${help()}`);
    process.exit(2);
  };

  // `pnpm bench:x -- --flag` runs `node script.mjs -- --flag`; parseArgs would take everything after
  // the `--` as positionals.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.keys(options).map((flag) => [flag, { type: 'string' }])),
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') fail(`unknown option ${error.message.match(/'([^']+)'/)?.[1] ?? ''}`.trim());
    if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') fail(`unexpected argument ${error.message.match(/'([^']+)'/)?.[1] ?? ''}`.trim());
    fail(error.message);
  }
  if (values.help) {
    process.stdout.write(help());
    process.exit(0);
  }

  const old = OLD_VARIABLES.filter((name) => env[name] !== undefined);
  if (old.length > 0) {
    fail(`${old.join(', ')}: no longer read; the settings are flags, or MODELREG_BENCH_<FLAG> variables (e.g. MODELREG_BENCH_SIZE_MIB)`);
  }
  const known = new Set(Object.keys(options).map(envName));
  for (const name of Object.keys(env)) {
    if (name.startsWith(ENV_PREFIX) && !known.has(name)) process.stderr.write(`${scriptName()}: ignoring ${name}, not a setting of this benchmark\n`);
  }

  const settings = {};
  for (const [flag, option] of Object.entries(options)) {
    const given = values[flag] !== undefined ? { text: values[flag], from: `--${flag}` } : env[envName(flag)] !== undefined ? { text: env[envName(flag)], from: envName(flag) } : undefined;
    if (given === undefined) {
      settings[camelCase(flag)] = option.default;
      continue;
    }
    if (option.kind === 'string') {
      if (given.text === '') fail(`${given.from}: empty`);
      settings[camelCase(flag)] = given.text;
      continue;
    }
    const value = given.text.trim() === '' ? NaN : Number(given.text);
    const min = option.min ?? 1;
    if (!(Number.isInteger(value) && value >= min)) fail(`${given.from}: expected a whole number >= ${min}, got '${given.text}'`);
    settings[camelCase(flag)] = value;
  }
  return settings;
}

function scriptName() {
  return basename(process.argv[1] ?? 'bench');
}

function helpText(usage, about, options) {
  const rows = Object.entries(options).map(([flag, option]) => {
    const placeholder = option.kind === 'string' ? 'PATH' : 'N';
    const fallback = option.defaultText ?? (option.default === undefined ? undefined : String(option.default));
    const notes = [option.min > 1 ? `at least ${option.min}` : undefined, fallback === undefined ? undefined : `default: ${fallback}`].filter(Boolean);
    return [`--${flag} ${placeholder}`, envName(flag), `${option.help}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`];
  });
  rows.push(['-h, --help', '', 'this text']);
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const lines = rows.map(([flag, variable, text]) => `  ${flag.padEnd(widths[0])}  ${variable.padEnd(widths[1])}  ${text}`.trimEnd());
  return (
    `Usage: ${usage}\n\n${about}\n\n` +
    'Options (each also read from the environment variable next to it; a flag wins over its variable):\n' +
    `${lines.join('\n')}\n`
  );
}
