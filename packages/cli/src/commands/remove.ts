import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import type { Io } from '../output.js';

export function registerRemove(program: Command, io: Io): void {
  program
    .command('rm')
    .description('delete one version (its blobs go at the next gc); refused while an alias points at it or another version depends on it, unless --force')
    .argument('<ref>', 'model version with an explicit number: store/product/type@N')
    .option('-f, --force', 'delete anyway: aliases are left dangling, dependents broken (both are listed)')
    .action(action(io, remove));
}

async function remove(context: Context, ref: string, options: { force?: boolean }): Promise<void> {
  const deleted = await (await context.registry()).deleteVersion(ref, { force: options.force === true });
  context.print({ deleted }, () =>
    [
      `Deleted ${deleted.ref}; its blobs are freed by the next "modelreg gc --yes".`,
      ...(deleted.danglingAliases.length > 0 ? [`Left dangling: alias ${deleted.danglingAliases.map((alias) => `"${alias}"`).join(', ')}.`] : []),
      ...(deleted.brokenDependents.length > 0 ? [`Broken: ${deleted.brokenDependents.join(', ')} depend${deleted.brokenDependents.length === 1 ? 's' : ''} on it.`] : []),
    ].join('\n'),
  );
}
