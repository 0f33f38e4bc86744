import { execFile } from 'node:child_process';
import { BIN, type CliRun } from './run-cli.js';

/**
 * runCli without blocking the event loop, for tests whose fake Docker or API server runs in the
 * test process itself (spawnSync would leave it unable to answer).
 */
export function runCliAsync(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: '1', ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
