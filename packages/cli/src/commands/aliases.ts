import { type AliasInfo, aliasView, formatName, parseName } from '@modelreg/core';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { type Io, formatDate, table } from '../output.js';
import { LINE_HELP, REF_HELP } from '../options.js';

const DEFAULT_ALIAS = 'production';
const ALIAS_HELP = 'alias name';

export function registerAliases(program: Command, io: Io): void {
  const reason = ['--reason <text>', 'why, recorded in the alias history (a ticket, a pipeline run)'] as const;
  program
    .command('promote')
    .description(`point an alias (default "${DEFAULT_ALIAS}") at a version; atomic under concurrent updates`)
    .argument('<ref>', REF_HELP)
    .argument('[alias]', ALIAS_HELP, DEFAULT_ALIAS)
    .option(...reason)
    .action(action(io, setAlias));

  program
    .command('rollback')
    .description(`move an alias (default "${DEFAULT_ALIAS}") back to the version it pointed at before its last move`)
    .argument('<line>', LINE_HELP)
    .argument('[alias]', ALIAS_HELP, DEFAULT_ALIAS)
    .option(...reason)
    .action(
      action(io, async (context: Context, line: string, alias: string, options: { reason?: string }) => {
        printMove(context, await (await context.registry()).rollback(line, alias, options));
      }),
    );

  const group = program.command('alias').description('list, set and remove aliases of a model line');
  group
    .command('ls')
    .alias('list')
    .description('the aliases of a model line, with their targets and history')
    .argument('<line>', LINE_HELP)
    .action(action(io, listAliases));
  group.command('set').description('point an alias at a version').argument('<ref>', REF_HELP).argument('<alias>', ALIAS_HELP).option(...reason).action(action(io, setAlias));
  group
    .command('rm')
    .description('remove an alias (the versions stay)')
    .argument('<line>', LINE_HELP)
    .argument('<alias>', ALIAS_HELP)
    .action(
      action(io, async (context: Context, line: string, alias: string) => {
        const name = formatName(parseName(line));
        await (await context.registry()).deleteAlias(name, alias);
        context.print({ removed: { name, alias } }, () => `Removed alias "${alias}" of ${name}.`);
      }),
    );
}

async function setAlias(context: Context, ref: string, alias: string, options: { reason?: string }): Promise<void> {
  printMove(context, await (await context.registry()).setAlias(ref, alias, options));
}

function printMove(context: Context, moved: AliasInfo): void {
  context.print(aliasView(moved), () => {
    const before = moved.previous.at(-1);
    return `${formatName(moved)}@${moved.alias} -> ${moved.version}${before === undefined ? '' : ` (previous: ${before})`}`;
  });
}

async function listAliases(context: Context, line: string): Promise<void> {
  const aliases = await (await context.registry()).aliases(line);
  context.print({ aliases: aliases.map(aliasView) }, () =>
    aliases.length === 0
      ? `${line} has no aliases.`
      : table(
          ['alias', 'version', 'previous', 'last moved'],
          aliases.map((alias) => {
            const last = alias.history.at(-1);
            return [alias.alias, alias.version, alias.previous.join(', ') || '-', last ? `${formatDate(last.at)} ${last.action}${last.reason ? ` (${last.reason})` : ''}` : '-'];
          }),
        ),
  );
}
