import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { EXIT, InputError } from './errors.js';

type Registrar = { register(program: Command, done: (code: number) => void): void };

/**
 * The commands, in help order, each in its own file that registers it. A run loads only the
 * command it runs (a command's file and what it imports cost start-up time: the Kubernetes
 * client, SQLite, ssh2, zod); help, and anything that is not a command name, loads them all.
 */
const COMMANDS: { name: string; load: () => Promise<Registrar> }[] = [
  { name: 'scan', load: () => import('./scan.js') },
  { name: 'collect', load: () => import('./collect.js') },
  { name: 'cluster', load: () => import('./cluster.js') },
  { name: 'evaluate', load: () => import('./evaluate.js') },
  { name: 'plan', load: () => import('./plan.js') },
  { name: 'remediate', load: () => import('./remediate.js') },
  { name: 'history', load: () => import('./history.js') },
  { name: 'show', load: () => import('./show.js') },
  { name: 'diff', load: () => import('./diff.js') },
  { name: 'profiles', load: () => import('./profiles.js') },
  { name: 'explain', load: () => import('./explain.js') },
];

/** The command modules a command line needs: its command's, or all of them (help, errors). */
async function commandsFor(argv: readonly string[]): Promise<Registrar[]> {
  const named = COMMANDS.find((c) => c.name === argv[0]);
  if (named !== undefined) return [await named.load()];
  return Promise.all(COMMANDS.map((c) => c.load()));
}

/** Runs the CLI and returns the exit code; never throws, never prints a stack trace to users. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.compliant;
  const program = new Command('rkecis')
    .description('CIS Kubernetes Benchmark scanner for Rancher RKE nodes and clusters')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run rkecis --help for usage)');
  try {
    for (const c of await commandsFor(argv)) {
      c.register(program, (n) => {
        code = n;
      });
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; a usage error is bad input.
      return e.exitCode === 0 ? 0 : EXIT.badInput;
    }
    if (e instanceof InputError) {
      process.stderr.write(`rkecis: ${oneLine(e.message)}\n`);
      return EXIT.badInput;
    }
    const err = e as Error;
    process.stderr.write(`rkecis: unexpected error: ${oneLine(err.message)}\n`);
    if (process.env.RKECIS_DEBUG === '1' && err.stack !== undefined)
      process.stderr.write(`${err.stack}\n`);
    return EXIT.badInput;
  }
}

/**
 * A message as one line of plain text: control characters that a file name or an input may carry
 * (newlines, escape sequences a terminal would obey, NUL) are shown escaped, as \n, \t or \u001b.
 */
export const oneLine = (message: string): string =>
  // eslint-disable-next-line no-control-regex
  message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
