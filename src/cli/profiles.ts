import type { Command } from 'commander';
import { listProfiles, loadProfile } from '../profiles/load.js';

export function register(program: Command, done: (code: number) => void): void {
  program
    .command('profiles')
    .description('list the built-in benchmark profiles')
    .action(() => {
      const lines = listProfiles().map((name) => {
        const p = loadProfile(name);
        const m = p.meta;
        return `${name}\t${m.benchmark.name} ${m.benchmark.version}, Kubernetes ${m.kubernetes}, ${p.controls.length} controls: ${m.title}`;
      });
      process.stdout.write(`${lines.join('\n')}\n`);
      done(0);
    });
}
