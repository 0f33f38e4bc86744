import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { EXIT, InputError } from './errors.js';
import * as collectCmd from './collect.js';
import * as diffCmd from './diff.js';
import * as evaluateCmd from './evaluate.js';
import * as explainCmd from './explain.js';
import * as historyCmd from './history.js';
import * as planCmd from './plan.js';
import * as profilesCmd from './profiles.js';
import * as remediateCmd from './remediate.js';
import * as scanCmd from './scan.js';
import * as showCmd from './show.js';

type Registrar = { register(program: Command, done: (code: number) => void): void };

/** The commands, in help order. Each file registers one. */
const COMMANDS: Registrar[] = [scanCmd, collectCmd, evaluateCmd, planCmd, remediateCmd, historyCmd, showCmd, diffCmd, profilesCmd, explainCmd];

/** Runs the CLI and returns the exit code; never throws, never prints a stack trace to users. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.compliant;
  const program = new Command('rkecis')
    .description('CIS Kubernetes Benchmark scanner for Rancher RKE nodes and clusters')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run rkecis --help for usage)');
  for (const c of COMMANDS) {
    c.register(program, (n) => {
      code = n;
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; a usage error is bad input.
      return e.exitCode === 0 ? 0 : EXIT.badInput;
    }
    if (e instanceof InputError) {
      process.stderr.write(`rkecis: ${e.message}\n`);
      return EXIT.badInput;
    }
    const err = e as Error;
    process.stderr.write(`rkecis: unexpected error: ${err.message}\n`);
    if (process.env.RKECIS_DEBUG === '1' && err.stack !== undefined) process.stderr.write(`${err.stack}\n`);
    return EXIT.badInput;
  }
}
