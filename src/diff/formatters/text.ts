import type { ScanDiff } from '../types.js';
import {
  KIND_LABEL,
  countsText,
  evidenceText,
  multiNode,
  plural,
  sideText,
  statusText,
  subjectText,
} from './lines.js';

/** The terminal diff: what changed between scan a and scan b, new failures first. */
export function text(d: ScanDiff): string {
  const out = [`a: ${sideText(d.a)}`, `b: ${sideText(d.b)}`];
  for (const p of d.pairs) {
    if (p.a !== p.b) out.push(`Comparing node ${p.a} (a) with node ${p.b} (b)`);
  }
  if (d.nodesAdded.length > 0) out.push(`Nodes added: ${d.nodesAdded.join(', ')}`);
  if (d.nodesGone.length > 0) out.push(`Nodes gone: ${d.nodesGone.join(', ')}`);
  const many = multiNode(d);
  const s = d.summary;
  out.push('', `Controls: ${countsText(s)}`);
  for (const c of d.controls) {
    out.push(
      `  ${KIND_LABEL[c.kind].padEnd(11)} ${many ? `[${c.node}] ` : ''}${c.id} ${c.title} (${c.scored ? 'Scored' : 'Not Scored'}): ${statusText(c.from)} -> ${statusText(c.to)}`,
    );
    if (c.kind === 'new-failure' && c.actualTo !== undefined)
      out.push(`              actual: ${c.actualTo}`);
  }
  const unCompared = d.pairs.filter((p) => !p.evidenceCompared);
  out.push('', `Evidence: ${plural(s.evidenceChanges, 'change')}`);
  for (const c of d.evidence) {
    out.push(`  ${many ? `[${c.node}] ` : ''}${subjectText(c)}: ${evidenceText(c)}`);
  }
  if (unCompared.length > 0) {
    out.push(
      `  (not compared for ${unCompared.map((p) => p.b).join(', ')}: a side is a report without its evidence)`,
    );
  }
  return `${out.join('\n')}\n`;
}
