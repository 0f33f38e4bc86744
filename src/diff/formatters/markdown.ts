import { mdCell as cell, mdCodeSpan as code } from '../../report/formatters/markdown-escape.js';
import type { ScanDiff } from '../types.js';
import {
  countsText,
  evidenceText,
  plural,
  profilesText,
  sideText,
  statusText,
  subjectText,
} from './lines.js';

const KIND: Record<ScanDiff['controls'][number]['kind'], string> = {
  'new-failure': '**new failure**',
  'no-longer-evaluated': '**no longer evaluated**',
  fixed: 'fixed',
  changed: 'changed',
};

/** The diff for a pull request or an issue: two tables, new failures first. */
export function markdown(d: ScanDiff): string {
  const s = d.summary;
  const out = ['## rkecis diff', '', `- a: ${cell(sideText(d.a))}`, `- b: ${cell(sideText(d.b))}`];
  for (const p of d.pairs) {
    if (p.a !== p.b) out.push(`- node ${code(p.a)} (a) compared with node ${code(p.b)} (b)`);
    const profiles = profilesText(p);
    if (profiles !== undefined) out.push(`- node ${code(p.b)}: ${cell(profiles)}`);
  }
  if (d.nodesAdded.length > 0) out.push(`- nodes added: ${d.nodesAdded.map(code).join(', ')}`);
  if (d.nodesGone.length > 0) out.push(`- nodes gone: ${d.nodesGone.map(code).join(', ')}`);
  out.push('', `### Controls: ${countsText(s)}`, '');
  if (d.controls.length > 0) {
    out.push(
      '| Change | Node | Control | Title | Scored | a | b |',
      '|---|---|---|---|---|---|---|',
    );
    for (const c of d.controls) {
      out.push(
        `| ${KIND[c.kind]} | ${cell(c.node)} | ${cell(c.id)} | ${cell(c.title)} | ${c.scored ? 'yes' : 'no'} | ${statusText(c.from)} | ${statusText(c.to)} |`,
      );
    }
  } else {
    out.push('No control changed status.');
  }
  out.push('', `### Evidence: ${plural(s.evidenceChanges, 'change')}`, '');
  if (d.evidence.length > 0) {
    out.push('| Node | Where | Change |', '|---|---|---|');
    for (const c of d.evidence)
      out.push(`| ${cell(c.node)} | ${cell(subjectText(c))} | ${cell(evidenceText(c))} |`);
  } else {
    out.push(
      d.pairs.some((p) => p.evidenceCompared)
        ? 'No evidence changed.'
        : 'Evidence was not compared (a side is a report without its evidence).',
    );
  }
  return `${out.join('\n')}\n`;
}
