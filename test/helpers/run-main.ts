import { main } from '../../src/cli/main.js';
import type { CliRun } from './run-cli.js';

/**
 * Runs the CLI's main() in this process, as `bin/rkecis.js` does, capturing what it writes: the
 * one in-process runner of the tests (runCli in run-cli.ts runs the built CLI as a process).
 * In-process so that fake Docker and API servers of the same test can answer, and so that src/
 * is tested without a build. `env` is set for the run and put back after it (undefined unsets a
 * variable). Tests of a file run one at a time, so the capture is theirs alone.
 */
export async function runMain(
  args: string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const text = (chunk: unknown): string =>
    typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const setEnv = (values: Readonly<Record<string, string | undefined>>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  };
  setEnv(env);
  process.stdout.write = (chunk: unknown) => {
    out.push(text(chunk));
    return true;
  };
  process.stderr.write = (chunk: unknown) => {
    err.push(text(chunk));
    return true;
  };
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    setEnv(saved);
  }
}
