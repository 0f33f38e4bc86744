import type { FlagGroup, FlagItem } from './schema.js';

/**
 * True for a group of flag tests, false for a single test (a test names its `flag` or `env`). Its own
 * file, apart from the zod schemas: the engine uses it at run time and never loads zod.
 */
export const isFlagGroup = (item: FlagItem): item is FlagGroup =>
  !('flag' in item) && !('env' in item);
