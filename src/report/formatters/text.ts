import type { NodeReport, Result, Status } from '../types.js';
import { plain, type Paint } from './colors.js';

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

const indent = (text: string, pad: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

function resultLines(r: Result, p: Paint, verbose: boolean): string[] {
  const tag = p.status(r.status, `[${LABEL[r.status]}]`.padEnd(8));
  const lines = [`${tag} ${r.id} ${r.title} (${r.scored ? 'Scored' : 'Not Scored'})`];
  const detail = verbose || r.status === 'fail' || r.status === 'error';
  if (r.status === 'error' && r.reason !== undefined) lines.push(`         reason:   ${r.reason}`);
  else if (detail) lines.push(`         actual:   ${r.actual}`);
  if (detail) lines.push(`         expected: ${r.expected}`);
  if (r.status === 'fail' || r.status === 'error') {
    lines.push(p.dim(`         remediation:\n${indent(r.remediation, '           ')}`));
  }
  if ((r.status === 'not-applicable' || r.status === 'manual') && verbose && r.reason !== undefined) {
    lines.push(p.dim(indent(r.reason, '         ')));
  }
  return lines;
}

/** The terminal report: the guide's sections in order, failures explained, then a summary. */
export function text(report: NodeReport, options: TextOptions = {}): string {
  const p = options.paint ?? plain;
  const out: string[] = [];
  const n = report.node;
  out.push(p.bold(`${report.profile.title} (${report.profile.benchmark}, Kubernetes ${report.profile.kubernetes})`));
  out.push(`Node: ${n.name}   roles: ${n.roles.join(', ') || 'none'} (${n.rolesSource}${n.rolesReason ? `: ${n.rolesReason}` : ''})`);
  for (const s of n.skipped) out.push(p.dim(`Skipped ${s.controls} ${s.role} controls: ${s.reason}`));
  let section = '';
  for (const r of report.results) {
    if (r.section !== section) {
      section = r.section;
      out.push('', p.bold(`${section}`));
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
  return `${out.join('\n')}\n`;
}
