import { blocking, nodePassRateText } from '../summary.js';
import type { NodeReport, Result, Status, WaiverEntry } from '../types.js';
import { plain, type Paint } from './colors.js';
import { verdictLabel, waiverDetail } from './labels.js';
import { sectionTitle, sortedResults } from '../order.js';
import { oneLine, visible } from './visible.js';
import { DEFAULT_WIDTH, columns, field, fill, fillList, paintFirst, paragraphs } from './wrap.js';

export interface TextOptions {
  paint?: Paint;
  /** Also print the evidence and expected value of passing controls. */
  verbose?: boolean;
  /** Columns to fill prose to (the CLI gives the terminal's). @default 100 */
  width?: number;
}

const LABEL: Record<Status, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  'not-applicable': 'N/A',
  manual: 'MANUAL',
};

/** The order and words of the summary's counts. */
const COUNTED: readonly Status[] = ['pass', 'fail', 'error', 'not-applicable', 'manual'];
const COUNT_LABEL: Record<Status, string> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  'not-applicable': 'not applicable',
  manual: 'manual',
};

/** `[FAIL]`, or `[FAIL (waived)]`: a waived failure is still a failure, and the tag says so. */
export const statusTag = (label: string, waived: boolean): string =>
  `[${label}${waived ? ' (waived)' : ''}]`;

/**
 * The width of the status column: the widest tag of the report and a space, so that the ids
 * line up under each other whether or not a result is waived (`[ERROR (waived)]` is the widest).
 */
export function tagColumn(tags: Iterable<string>): number {
  let widest = 8;
  for (const t of tags) widest = Math.max(widest, columns(t));
  return widest + 1;
}

export interface Layout {
  p: Paint;
  verbose: boolean;
  width: number;
  /** Spaces up to the id column, where every detail line starts. */
  pad: string;
}

/**
 * A control's lines. Every text that comes from outside (evidence, reasons, waiver fields) is
 * shown through `visible`/`oneLine`; profile text too, since a custom profile is input as well.
 */
function resultLines(r: Result, l: Layout): string[] {
  const { p, pad, width } = l;
  const tag = statusTag(LABEL[r.status], r.waiver !== undefined);
  const head = fill(
    oneLine(`${r.id} ${r.title} (${r.scored ? 'Scored' : 'Not Scored'})`),
    width,
    tag.padEnd(pad.length),
    pad,
  );
  // Laid out plain, then the tag painted: colour codes take no columns.
  const lines = [
    `${p.status(r.status, tag)}${(head[0] ?? '').slice(tag.length)}`,
    ...head.slice(1),
  ];
  const detail = l.verbose || r.status === 'fail' || r.status === 'error';
  if (r.status === 'error' && r.reason !== undefined)
    lines.push(...field('reason:   ', visible(r.reason), width, pad));
  else if (detail) lines.push(...field('actual:   ', visible(r.actual), width, pad));
  if (detail) lines.push(...field('expected: ', visible(r.expected), width, pad));
  if (r.waiver !== undefined) {
    lines.push(...field('waived:   ', oneLine(r.waiver.justification.trim()), width, pad));
    const under = `${pad}          `;
    lines.push(...fill(oneLine(`(${waiverDetail(r.waiver)})`), width, under).map((x) => p.dim(x)));
  }
  lines.push(...closingLines(r, r.status === 'fail' || r.status === 'error', l));
  return lines;
}

/**
 * A control's last lines, node and cluster alike: the remediation when it fails somewhere, and
 * why it was not applicable or manual when asked for everything.
 */
export function closingLines(
  r: { status: string; remediation: string; reason?: string | undefined },
  failing: boolean,
  l: Layout,
): string[] {
  const { p, pad, width } = l;
  const lines: string[] = [];
  if (failing) {
    lines.push(p.dim(`${pad}remediation:`));
    lines.push(...paragraphs(visible(r.remediation), width, `${pad}  `).map((x) => p.dim(x)));
  }
  if (
    (r.status === 'not-applicable' || r.status === 'manual') &&
    l.verbose &&
    r.reason !== undefined
  )
    lines.push(...paragraphs(visible(r.reason), width, pad).map((x) => p.dim(x)));
  return lines;
}

/** Expired and unused waivers are listed so that auditors can renew or prune them. */
function waiverLines(
  title: string,
  list: readonly WaiverEntry[],
  p: Paint,
  width: number,
): string[] {
  if (list.length === 0) return [];
  return [
    `  ${title}:`,
    ...list.flatMap((w) => [
      ...fill(oneLine(`${w.control} (${w.source})`), width, '    ', '      '),
      ...fill(oneLine(w.reason ?? `expired after ${w.expires ?? '?'}`), width, '      ').map((x) =>
        p.dim(x),
      ),
    ]),
  ];
}

/** The verdict and why, as the exit code decides it (README, Exit codes). */
export function verdictLines(report: NodeReport, p: Paint, width: number): string[] {
  const blockers = blocking(sortedResults(report.results));
  const waived = report.results.filter((r) => r.waiver !== undefined).length;
  const compliant = report.results.length > 0 && blockers.length === 0;
  let why: string;
  if (report.results.length === 0) why = 'no control was judged on this node';
  else if (!compliant) {
    const ids = blockers.map((r) => r.id);
    const shown =
      ids.length > 12
        ? `${ids.slice(0, 12).join(', ')} and ${ids.length - 12} more`
        : ids.join(', ');
    why = `unwaived scored ${blockers.length === 1 ? 'failure or error' : 'failures or errors'}: ${shown}`;
  } else {
    why = `no unwaived scored failure or error${waived > 0 ? ` (${waived} waived)` : ''}`;
  }
  const label = verdictLabel(compliant);
  const lines = fill(`result: ${label}: ${why}`, width, '  ', '    ');
  // Only the verdict itself is painted: the rest of the line is plain.
  return paintFirst(lines, '  result: '.length, label, (t) =>
    p.status(compliant ? 'pass' : 'fail', t),
  );
}

/** The terminal report: the guide's sections in order, failures explained, then a summary. */
export function text(report: NodeReport, options: TextOptions = {}): string {
  const p = options.paint ?? plain;
  const width = options.width ?? DEFAULT_WIDTH;
  const out: string[] = [];
  const n = report.node;
  const results = sortedResults(report.results);
  const pad = ' '.repeat(
    tagColumn(results.map((r) => statusTag(LABEL[r.status], r.waiver !== undefined))),
  );
  const layout: Layout = { p, verbose: options.verbose === true, width, pad };
  out.push(
    ...fill(
      oneLine(
        `${report.profile.title} (${report.profile.benchmark}, Kubernetes ${report.profile.kubernetes})`,
      ),
      width,
    ).map((x) => p.bold(x)),
  );
  if (report.profile.choice !== undefined)
    out.push(
      ...fill(
        oneLine(`Profile: ${report.profile.name}, ${report.profile.choice.reason}`),
        width,
        '',
        '  ',
      ),
    );
  out.push(
    ...fill(
      oneLine(
        `Node: ${n.name}   roles: ${n.roles.join(', ') || 'none'} (${n.rolesSource}${n.rolesReason ? `: ${n.rolesReason}` : ''})`,
      ),
      width,
      '',
      '  ',
    ),
  );
  if (n.dockerConnection !== undefined)
    out.push(...fill(oneLine(`Docker: ${n.dockerConnection}`), width, '', '  '));
  for (const s of n.skipped)
    out.push(
      ...fill(
        oneLine(`Skipped ${s.controls} ${s.role} controls: ${s.reason}`),
        width,
        '',
        '  ',
      ).map((x) => p.dim(x)),
    );
  let section = '';
  for (const r of results) {
    if (r.section !== section) {
      section = r.section;
      out.push('', p.bold(oneLine(sectionTitle(report, section))));
    }
    out.push(...resultLines(r, layout));
  }
  const s = report.summary;
  out.push(
    '',
    p.bold('Summary'),
    ...fillList(
      `  ${s.total} controls:`,
      COUNTED.map((st) => `${s[st]} ${COUNT_LABEL[st]}`),
      width,
      '    ',
      (item, i) => p.status(COUNTED[i] ?? 'pass', item),
    ),
    ...fillList(
      `  scored: ${s.scored.total} controls:`,
      COUNTED.map((st) => `${s.scored[st]} ${COUNT_LABEL[st]}`),
      width,
      '    ',
    ),
    ...fill(`scored pass rate: ${nodePassRateText(s)}`, width, '  ', '    '),
    ...verdictLines(report, p, width),
  );
  const w = report.waivers;
  if (w !== undefined) {
    const waived = report.results.filter((r) => r.waiver !== undefined).length;
    out.push(
      '',
      p.bold('Waivers'),
      ...fill(
        oneLine(
          `${w.file}: ${w.applied.length} applied (${waived} ${waived === 1 ? 'result' : 'results'} waived), ${w.expired.length} expired, ${w.unused.length} unused`,
        ),
        width,
        '  ',
        '    ',
      ),
      ...waiverLines('expired, not applied', w.expired, p, width),
      ...waiverLines('unused', w.unused, p, width),
    );
  }
  return `${out.join('\n')}\n`;
}
