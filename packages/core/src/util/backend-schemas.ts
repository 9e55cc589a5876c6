// The zod/mini functions backends build their option schemas with, exported as `z` by
// `@modelreg/core/backend`. A backend importing zod/mini itself would carry a second copy of zod
// (about 50 KB) in its bundle, compiled again on every cold start; through core, a process holds one.
// A backend that needs another function adds it here.
export {
  _default, boolean, custom, enum, instanceof, int, literal, maxLength, maximum, minLength, minimum, optional, refine, regex,
  strictObject, string, superRefine, undefined, union, url,
} from 'zod/mini';
export type { input, output } from 'zod/mini';
