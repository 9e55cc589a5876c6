import { dirname } from 'node:path';
import { type ObjectStore, Registry, type RegistryConfig, type UnreadableEntry, openStore } from '@modelreg/core';
import type { Command } from 'commander';
import { type CliConfig, findConfig } from './config-file.js';
import { type Io, formatJson } from './output.js';

/** Options every command accepts, before or after its name. */
export interface GlobalOptions {
  registry?: string;
  json?: boolean;
  debug?: boolean;
  /** `--progress` / `--no-progress`; undefined means "when stderr is a terminal and not in CI". */
  progress?: boolean;
}

export const DEFAULT_REGISTRY = './.modelreg';

/** What a command works with: the chosen registry, the output mode and the streams. */
export class Context {
  private opened: Promise<{ registry: Registry; location: string }> | undefined;

  constructor(
    readonly io: Io,
    readonly options: GlobalOptions,
  ) {}

  get json(): boolean {
    return this.options.json === true;
  }

  /** The registry, opened once: `--registry`, then `MODELREG_REGISTRY`, then `registry` in the config file, then `./.modelreg`. */
  async registry(): Promise<Registry> {
    return (await this.open()).registry;
  }

  /** The registry's location for messages, without credentials. */
  async location(): Promise<string> {
    return (await this.open()).location;
  }

  /**
   * The config of the registry at `url` (a path relative to the working directory), with the
   * config file's settings, for commands that name their registries themselves (`copy`).
   */
  async registryConfigAt(url: string): Promise<RegistryConfig> {
    const found = await findConfig(this.io.cwd);
    return this.configAt(url, this.io.cwd, found?.config);
  }

  private open(): Promise<{ registry: Registry; location: string }> {
    this.opened ??= (async () => {
      const { cwd, env } = this.io;
      const found = await findConfig(cwd);
      const fromFile = found?.config.registry;
      const explicit = this.options.registry || env.MODELREG_REGISTRY;
      // A relative path is relative to where it was written: the working directory, or the config file's folder.
      const [url, baseDir] = explicit ? [explicit, cwd] : fromFile && found ? [fromFile, dirname(found.path)] : [DEFAULT_REGISTRY, cwd];
      const config = await this.configAt(url, baseDir, found?.config);
      return { registry: new Registry(config), location: config.backend.description };
    })();
    return this.opened;
  }

  private async configAt(url: string, baseDir: string, fileConfig: CliConfig | undefined): Promise<RegistryConfig & { backend: ObjectStore }> {
    const { registry: _url, ...settings } = fileConfig ?? {};
    return { ...settings, backend: await openStore(url, { env: this.io.env, baseDir }) };
  }

  /** Entries a registry-wide read skipped because they are not valid manifests. */
  private readonly skipped: UnreadableEntry[] = [];

  /** Reports an entry a scan skipped: a warning line now, and a `skipped` list in the JSON result. */
  readonly onUnreadable = (entry: UnreadableEntry): void => {
    this.skipped.push(entry);
    this.io.stderr.write(`modelreg: warning: skipped ${entry.key}: ${entry.problem}\n`);
  };

  /** Prints a command's result: the JSON document with `--json` (plus `skipped` when a scan skipped entries), else the human text. */
  print(json: object, human: () => string): void {
    this.io.stdout.write(this.json ? formatJson(this.skipped.length > 0 ? { ...json, skipped: this.skipped } : json) : `${human()}\n`);
  }
}

/**
 * Wraps a command's action: builds its context from the global options and passes on the
 * positional arguments and the command's own options (commander's arguments minus the command).
 */
export function action<A extends unknown[]>(io: Io, run: (context: Context, ...args: A) => Promise<void>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    await run(new Context(io, command.optsWithGlobals<GlobalOptions>()), ...(args.slice(0, -1) as A));
  };
}
