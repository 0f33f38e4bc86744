import { InputError } from '../base/errors.js';

/**
 * A deadline given in seconds (`--timeout`, `--node-timeout`), in milliseconds. Zero is refused
 * with the reason: it does not mean "no deadline", which rkecis never runs without, because a
 * Docker socket or an API server that stops answering would otherwise hang the scan for good.
 */
export function deadlineMs(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
    throw new InputError(
      `${flag} ${JSON.stringify(text)}: expected a number of seconds, more than 0 and at most ${max} (fractions such as 0.5 are allowed)`,
    );
  }
  if (n === 0) {
    throw new InputError(
      `${flag} 0: a deadline must be more than 0 seconds (at most ${max}); rkecis has no "no deadline", so that an engine or API server that stops answering cannot hang the run`,
    );
  }
  return n * 1000;
}
