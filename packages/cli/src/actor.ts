import { userInfo } from 'node:os';

/**
 * Who an alias move is recorded as: `--by`, else `MODELREG_ACTOR` (set it in CI to the pipeline's
 * name), else the OS user. Undefined when none is known: `userInfo` throws for a uid without a
 * passwd entry, as in many containers.
 */
export function resolveActor(by: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = by?.trim() || env.MODELREG_ACTOR?.trim();
  if (given) return given;
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
