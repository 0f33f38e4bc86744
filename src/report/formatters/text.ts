import type { NodeReport, Result, Status, WaiverEntry } from '../types.js';
import { plain, type Paint } from './colors.js';
import { waiverDetail } from './labels.js';
import { sectionTitle, sortedResults } from './order.js';
import { visible } from './visible.js';

export interface TextOptions {
  paint?: Paint;
  /** Also print the evidence and expected value of passing controls. */
  verbose?: boolean;
}

const LABEL: Record<Status, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  'not-applicable': 'N/A',
  manual: 'MANUAL',
};

const oneLine = (t: string): string => t.trim().replace(/\s*\n\s*/g, ' ');

const indent = (text: string, pad: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => (l === '' ? '' : pad + l))
    .join('\n');

function resultLines(r: Result, p: Paint, verbose: boolean): string[] {
  // A waived failure is still a failure: the tag says so, and the justification follows.
  const label = r.waiver !== undefined ? `${LABEL[r.status]} (waived)` : LABEL[r.status];
  const tag = p.status(r.status, `[${label}]`.padEnd(8));
  const lines = [`${tag} ${r.id} ${r.title} (${r.scored ? 'Scored' : 'Not Scored'})`];
  const detail = verbose || r.status === 'fail' || r.status === 'error';
  if (r.status === 'error' && r.reason !== undefined)
    lines.push(`         reason:   ${visible(r.reason)}`);
  else if (detail) lines.push(`         actual:   ${visible(r.actual)}`);
  if (detail) lines.push(`         expected: ${r.expected}`);
  if (r.waiver !== undefined) {
    lines.push(`         waived:   ${oneLine(r.waiver.justification)}`);
    lines.push(p.dim(`                   (${waiverDetail(r.waiver)})`));
  }
  if (r.status === 'fail' || r.status === 'error') {
    lines.push(p.dim(`         remediation:\n${indent(r.remediation, '           ')}`));
  }
  if (
    (r.status === 'not-applicable' || r.status === 'manual') &&
    verbose &&
    r.reason !== undefined
  ) {
    lines.push(p.dim(indent(r.reason, '         ')));
  }
  return lines;
}

/** Expired and unused waivers are listed so that auditors can renew or prune them. */
function waiverLines(title: string, list: readonly WaiverEntry[], p: Paint): string[] {
  if (list.length === 0) return [];
  return [
    `  ${title}:`,
    ...list.flatMap((w) => [
      `    ${w.control} (${w.source})`,
      p.dim(`      ${w.reason ?? `expired after ${w.expires ?? '?'}`}`),
    ]),
  ];
}

/** The terminal report: the guide's sections in order, failures explained, then a summary. */
export function text(report: NodeReport, options: TextOptions = {}): string {
  const p = options.paint ?? plain;
  const out: string[] = [];
  const n = report.node;
  out.push(
    p.bold(
      `${report.profile.title} (${report.profile.benchmark}, Kubernetes ${report.profile.kubernetes})`,
    ),
  );
  out.push(
    `Node: ${n.name}   roles: ${n.roles.join(', ') || 'none'} (${n.rolesSource}${n.rolesReason ? `: ${n.rolesReason}` : ''})`,
  );
  if (n.dockerConnection !== undefined) out.push(`Docker: ${visible(n.dockerConnection)}`);
  for (const s of n.skipped)
    out.push(p.dim(`Skipped ${s.controls} ${s.role} controls: ${s.reason}`));
  let section = '';
  for (const r of sortedResults(report.results)) {
    if (r.section !== section) {
      section = r.section;
      out.push('', p.bold(sectionTitle(report, section)));
    }
    out.push(...resultLines(r, p, options.verbose === true));
  }
  const s = report.summary;
  const rate = s.scoredPassRate === null ? 'n/a' : `${(s.scoredPassRate * 100).toFixed(1)}%`;
  out.push(
    '',
    p.bold('Summary'),
    `  ${s.total} controls: ${p.status('pass', `${s.pass} pass`)}, ${p.status('fail', `${s.fail} fail`)}, ${p.status('error', `${s.error} error`)}, ${p.status('not-applicable', `${s['not-applicable']} not applicable`)}, ${p.status('manual', `${s.manual} manual`)}`,
    `  scored: ${s.scored.pass}/${s.scored.total} pass, ${s.scored.fail} fail, ${s.scored.error} error; scored pass rate ${rate}`,
  );
  const w = report.waivers;
  if (w !== undefined) {
    const waived = report.results.filter((r) => r.waiver !== undefined).length;
    out.push(
      '',
      p.bold('Waivers'),
      `  ${w.file}: ${w.applied.length} applied (${waived} ${waived === 1 ? 'result' : 'results'} waived), ${w.expired.length} expired, ${w.unused.length} unused`,
      ...waiverLines('expired, not applied', w.expired, p),
      ...waiverLines('unused', w.unused, p),
    );
  }
  return `${out.join('\n')}\n`;
}
