import { type AliasEvent, type AliasInfo, aliasMoves, aliasView, formatName, parseName } from '@modelreg/core';
import { resolveActor } from '../actor.js';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import { type Io, formatDate, table } from '../output.js';
import { LINE_HELP, REF_HELP } from '../options.js';

const DEFAULT_ALIAS = 'production';
const ALIAS_HELP = 'alias name';

export function registerAliases(program: Command, io: Io): void {
  const reason = ['--reason <text>', 'why, recorded in the alias history (a ticket, a pipeline run)'] as const;
  const by = ['--by <name>', 'who moves it, recorded in the alias history (default: $MODELREG_ACTOR, else the OS user)'] as const;
  program
    .command('promote')
    .description(`point an alias (default "${DEFAULT_ALIAS}") at a version; atomic under concurrent updates`)
    .argument('<ref>', REF_HELP)
    .argument('[alias]', ALIAS_HELP, DEFAULT_ALIAS)
    .option(...reason)
    .option(...by)
    .action(action(io, setAlias));

  program
    .command('rollback')
    .description(`move an alias (default "${DEFAULT_ALIAS}") back to the version it pointed at before its last move`)
    .argument('<line>', LINE_HELP)
    .argument('[alias]', ALIAS_HELP, DEFAULT_ALIAS)
    .option(...reason)
    .option(...by)
    .action(
      action(io, async (context: Context, line: string, alias: string, options: MoveOptions) => {
        printMove(context, await (await context.registry()).rollback(line, alias, moveOptions(options)));
      }),
    );

  const group = program.command('alias').description('list, set and remove aliases of a model line');
  group
    .command('ls')
    .alias('list')
    .description('the aliases of a model line, with their targets and history')
    .argument('<line>', LINE_HELP)
    .action(action(io, listAliases));
  group.command('set').description('point an alias at a version').argument('<ref>', REF_HELP).argument('<alias>', ALIAS_HELP).option(...reason).option(...by).action(action(io, setAlias));
  group
    .command('history')
    .description('every move of the aliases of a model line, oldest first: when, to which version, who and why')
    .argument('<line>', LINE_HELP)
    .argument('[alias]', 'only this alias')
    .action(action(io, aliasHistory));
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

interface MoveOptions {
  reason?: string;
  by?: string;
}

function moveOptions({ reason, by }: MoveOptions): MoveOptions {
  const actor = resolveActor(by);
  return { ...(reason === undefined ? {} : { reason }), ...(actor === undefined ? {} : { by: actor }) };
}

async function setAlias(context: Context, ref: string, alias: string, options: MoveOptions): Promise<void> {
  printMove(context, await (await context.registry()).setAlias(ref, alias, moveOptions(options)));
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
            return [alias.alias, alias.version, alias.previous.join(', ') || '-', last ? `${formatDate(last.at)} ${describeMove(last)}` : '-'];
          }),
        ),
  );
}

async function aliasHistory(context: Context, line: string, only: string | undefined): Promise<void> {
  const aliases = (await (await context.registry()).aliases(line)).filter((alias) => only === undefined || alias.alias === only);
  const moves = aliasMoves(aliases);
  context.print({ name: formatName(parseName(line)), moves }, () =>
    moves.length === 0
      ? `${line} has no ${only === undefined ? 'aliases' : `alias "${only}"`}.`
      : table(['when', 'alias', 'move', 'by', 'reason'], moves.map((move) => [formatDate(move.at), move.alias, `${move.action} -> ${move.version}`, move.by ?? '-', move.reason ?? '-'])),
  );
}

/** "set by alice (ticket 12)" */
function describeMove(event: AliasEvent): string {
  return `${event.action}${event.by ? ` by ${event.by}` : ''}${event.reason ? ` (${event.reason})` : ''}`;
}
