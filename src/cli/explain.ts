import type { Command } from 'commander';
import { DEFAULT_PROFILE, openProfile } from '../profiles/open.js';
import type { ProfileControl } from '../profiles/schema.js';
import { InputError } from './errors.js';

const block = (title: string, body: string | undefined): string[] =>
  body === undefined || body.trim() === ''
    ? []
    : [
        '',
        `${title}:`,
        ...body
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      ];

/** The guide's text for one control, as an auditor reads it. */
export function explainControl(c: ProfileControl): string {
  const audits = c.audit.flatMap((a) => [
    ...(a.label !== undefined ? [`  (${a.label})`] : []),
    `  ${a.command}`,
    ...(a.returned !== undefined ? [`    returned on the guide's node: ${a.returned}`] : []),
  ]);
  return [
    `${c.id} - ${c.title} (${c.scored ? 'Scored' : 'Not Scored'})`,
    `Section ${c.section}, role ${c.role}; the guide's result: ${c.guide.result}`,
    ...block('Notes', c.guide.notes),
    ...(audits.length > 0 ? ['', 'Audit:', ...audits] : []),
    ...block("Returned value on the guide's node", c.guide.returned),
    ...block('Expected', c.expected),
    ...block('Mitigation', c.guide.mitigation),
    ...block('Remediation', c.remediation),
    ...block("How the guide's audit differs (erratum)", c.erratum),
  ].join('\n');
}

export function register(program: Command, done: (code: number) => void): void {
  program
    .command('explain')
    .description("show a control's guide text, audit and remediation")
    .argument('<control-id>', 'e.g. 1.1.1')
    .option('--profile <name>', 'built-in profile name or profile folder', DEFAULT_PROFILE)
    .action(async (id: string, opts: { profile: string }) => {
      const profile = await openProfile(opts.profile);
      const c = profile.controls.find((x) => x.id === id);
      if (c === undefined) {
        throw new InputError(
          `no control ${id} in profile ${profile.meta.name} (ids run ${profile.controls[0]?.id ?? ''} to ${profile.controls.at(-1)?.id ?? ''})`,
        );
      }
      process.stdout.write(`${explainControl(c)}\n`);
      done(0);
    });
}
