import { Command, CommanderError } from 'commander';
import { VERSION } from '../base/version.js';
import { shorten } from '../text/shorten.js';
import { oneLine } from '../text/visible.js';
import { EXIT, InputError } from '../base/errors.js';
import { say } from './say.js';

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
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Commander's own messages quote the arguments (`invalid choice 'x'`): escaped, shortened.
      outputError: (s, write) => {
        write(`${shorten(oneLine(s.trimEnd()))}\n`);
      },
    })
    .showHelpAfterError('(run rkecis --help for usage)');
  try {
    for (const c of await commandsFor(argv)) {
      c.register(program, (n) => {
        code = n;
      });
    }
    pointToOwnHelp(program.commands, 'rkecis');
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; a usage error is bad input.
      return e.exitCode === 0 ? 0 : EXIT.badInput;
    }
    if (e instanceof InputError) {
      say(e.message);
      return EXIT.badInput;
    }
    const err = e as Error;
    say(`unexpected error: ${err.message}`);
    if (process.env.RKECIS_DEBUG === '1' && err.stack !== undefined)
      process.stderr.write(`${err.stack}\n`);
    return EXIT.badInput;
  }
}

/** A usage error names the help of the command it is in: `rkecis history prune --help`. */
function pointToOwnHelp(commands: readonly Command[], parent: string): void {
  for (const c of commands) {
    const path = `${parent} ${c.name()}`;
    c.showHelpAfterError(`(run ${path} --help for usage)`);
    pointToOwnHelp(c.commands, path);
  }
}
