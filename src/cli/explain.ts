import type { Command } from 'commander';
import { describeCheck } from '../engine/describe.js';
import { DEFAULT_PROFILE, openProfile } from '../profiles/open.js';
import type { ProfileControl } from '../profiles/schema.js';
import { DEFAULT_WIDTH, field, fill, outputWidth, paragraphs } from '../report/formatters/wrap.js';
import { oneLine, visible } from '../text/visible.js';
import { InputError } from '../base/errors.js';

/** A titled block of the guide's prose: sentences filled to the width, snippets kept line for line. */
const block = (title: string, body: string | undefined, width: number): string[] =>
  body === undefined || body.trim() === ''
    ? []
    : ['', `${title}:`, ...paragraphs(visible(body), width, '  ')];

/** What rkecis itself checks: the check's kind, what it expects, the evidence it reads. */
function checked(c: ProfileControl, width: number): string[] {
  const { expected, reads } = describeCheck(c.check);
  return [
    '',
    `What rkecis checks (${c.check.kind}):`,
    ...fill(oneLine(visible(expected)), width, '  ', '    '),
    ...(reads.length > 0
      ? fill(oneLine(visible(`reads ${reads.join('; ')}`)), width, '  ', '    ')
      : []),
  ];
}

/**
 * The guide's text for one control, as an auditor reads it. Commands are printed whole, each on
 * its own lines, to be copied; a custom profile is input too, so its text is shown escaped.
 */
export function explainControl(c: ProfileControl, width = DEFAULT_WIDTH): string {
  const audits = c.audit.flatMap((a) => [
    ...(a.label !== undefined ? fill(oneLine(`(${a.label})`), width, '  ') : []),
    ...visible(a.command)
      .split('\n')
      .map((l) => `  ${l}`),
    ...(a.returned !== undefined
      ? field("returned on the guide's node: ", visible(a.returned), width, '    ', '      ')
      : []),
  ]);
  return [
    ...fill(
      oneLine(`${c.id} - ${c.title} (${c.scored ? 'Scored' : 'Not Scored'})`),
      width,
      '',
      '  ',
    ),
    ...fill(
      oneLine(`Section ${c.section}, role ${c.role}; the guide's result: ${c.guide.result}`),
      width,
      '',
      '  ',
    ),
    ...block('Notes', c.guide.notes, width),
    ...(audits.length > 0 ? ['', 'Audit:', ...audits] : []),
    ...block("Returned value on the guide's node", c.guide.returned, width),
    ...block('Expected', c.expected, width),
    ...checked(c, width),
    ...block('Mitigation', c.guide.mitigation, width),
    ...block('Remediation', c.remediation, width),
    ...block("How the guide's audit differs (erratum)", c.erratum, width),
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
      process.stdout.write(`${explainControl(c, outputWidth(process.stdout, false))}\n`);
      done(0);
    });
}
