import type { Command } from 'commander';
import { listProfiles, openProfile } from '../profiles/open.js';
import { oneLine } from '../text/visible.js';

export function register(program: Command, done: (code: number) => void): void {
  program
    .command('profiles')
    .description('list the built-in benchmark profiles')
    .action(async () => {
      const lines: string[] = [];
      for (const name of listProfiles()) {
        const p = await openProfile(name);
        const m = p.meta;
        lines.push(
          `${oneLine(name)}\t${oneLine(`${m.benchmark.name} ${m.benchmark.version}, Kubernetes ${m.kubernetes}, ${p.controls.length} controls: ${m.title}`)}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      done(0);
    });
}
