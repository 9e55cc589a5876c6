import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { registryConfigSchema } from '@modelreg/core';
import { parseOptions } from '@modelreg/core/backend';
import * as z from 'zod/mini';
import { UsageError } from './errors.js';
import { parseJson } from './options.js';

export const CONFIG_FILE_NAME = 'modelreg.config.json';

/** The core registry config, minus the live backend object, plus where the registry lives. */
export const cliConfigSchema = z.extend(z.omit(registryConfigSchema, { backend: true }), {
  /** Registry URL; relative folder paths resolve against the config file's folder. */
  registry: z.optional(z.string().check(z.minLength(1))),
});

export type CliConfig = z.output<typeof cliConfigSchema>;

export interface FoundConfig {
  path: string;
  config: CliConfig;
}

/** The nearest `modelreg.config.json` in `start` or a parent folder, validated; undefined when there is none. */
export async function findConfig(start: string): Promise<FoundConfig | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    const path = join(dir, CONFIG_FILE_NAME);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw new UsageError(`Cannot read ${path}: ${error.message}`);
    });
    if (text !== undefined) return { path, config: parseConfig(text, path) };
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reported as `<path> is invalid: <field>: <problem>.`, a usage error. */
function parseConfig(text: string, path: string): CliConfig {
  const prefix = `Invalid ${path}: `;
  return parseOptions(cliConfigSchema, parseJson(text, path), path, (message) => new UsageError(`${path} is invalid: ${message.slice(prefix.length)}`));
}
