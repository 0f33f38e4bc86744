import type { NodeFs } from '../../src/collect/node-fs.js';

/**
 * Answers requests a round at a time, as a far node does: whatever is asked while a round is
 * being answered waits for the next, so the number of rounds a piece of work takes is the number
 * of round trips it would wait for over SSH. Counts, never times.
 */
export function rounds() {
  let queue: (() => Promise<unknown>)[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    /** Defers a request's answer (a function that gives it) to the next round. */
    later<T>(answer: () => Promise<T> | T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push(async () => {
          // The answer's own rejection, passed on as it is.
          await Promise.resolve().then(answer).then(resolve, reject);
        });
      });
    },
    /**
     * Runs `work` to its end, a round at a time, then answers what is left; its value and the
     * rounds it waited for.
     */
    async run<T>(work: Promise<T>): Promise<{ value: T; rounds: number }> {
      const state = { done: false };
      const ended = work.finally(() => {
        state.done = true;
      });
      ended.catch(() => undefined);
      let count = 0;
      for (;;) {
        // Everything the last answers lead to is asked before the next round goes.
        await settle();
        await settle();
        if (queue.length === 0) break;
        const batch = queue;
        queue = [];
        // A round the work no longer waits for (a CLOSE sent without waiting) is not counted.
        if (!state.done) count++;
        await Promise.all(batch.map((answer) => answer()));
      }
      if (!state.done) throw new Error('the work waits for something that is not a request');
      return { value: await ended, rounds: count };
    },
  };
}

/** A NodeFs whose every request waits for the next round; what was asked, in order. */
export function roundFs(base: NodeFs, r: ReturnType<typeof rounds>) {
  const asked: string[] = [];
  const fs: NodeFs = {
    root: base.root,
    display: base.display,
    lstat: (path) => {
      asked.push(`lstat ${String(path)}`);
      return r.later(() => base.lstat(path));
    },
    readlink: (path) => {
      asked.push(`readlink ${String(path)}`);
      return r.later(() => base.readlink(path));
    },
    readdir: (path) => {
      asked.push(`readdir ${path}`);
      return r.later(() => base.readdir(path));
    },
    readFile: (path, maxBytes, described) => {
      asked.push(`read ${path}`);
      return r.later(() => base.readFile(path, maxBytes, described));
    },
  };
  return { fs, asked };
}
