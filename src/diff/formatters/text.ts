import { oneLine, visible } from '../../text/visible.js';
import { DEFAULT_WIDTH, field, fill } from '../../report/formatters/wrap.js';
import type { ScanDiff } from '../types.js';
import {
  KIND_LABEL,
  countsText,
  evidenceText,
  multiNode,
  plural,
  profilesText,
  sideText,
  statusText,
  subjectText,
} from './lines.js';

export interface DiffTextOptions {
  /** Columns to fill lines to (the CLI gives the terminal's). @default 100 */
  width?: number;
}

/**
 * The terminal diff: what changed between scan a and scan b, new failures first. Node names,
 * labels and evidence come from outside: shown escaped (src/text/visible.ts).
 */
export function text(d: ScanDiff, options: DiffTextOptions = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const line = (t: string, first = '', rest = `${first}  `): string[] =>
    fill(oneLine(t), width, first, rest);
  const out = [
    ...line(`a: ${sideText(d.a)}`, '', '   '),
    ...line(`b: ${sideText(d.b)}`, '', '   '),
  ];
  for (const p of d.pairs) {
    if (p.a !== p.b) out.push(...line(`Comparing node ${p.a} (a) with node ${p.b} (b)`));
    const profiles = profilesText(p);
    if (profiles !== undefined)
      out.push(...line(`${multiNode(d) ? `[${p.b}] ` : ''}Profiles: ${profiles}`));
  }
  if (d.nodesAdded.length > 0) out.push(...line(`Nodes added: ${d.nodesAdded.join(', ')}`));
  if (d.nodesGone.length > 0) out.push(...line(`Nodes gone: ${d.nodesGone.join(', ')}`));
  const many = multiNode(d);
  const s = d.summary;
  out.push('', `Controls: ${countsText(s)}`);
  // The label column is as wide as the widest label shown, so ids line up under each other.
  const labelWidth = Math.max(0, ...d.controls.map((c) => KIND_LABEL[c.kind].length));
  const pad = ' '.repeat(labelWidth + 3);
  for (const c of d.controls) {
    out.push(
      ...line(
        `${many ? `[${c.node}] ` : ''}${c.id} ${c.title} (${c.scored ? 'Scored' : 'Not Scored'}): ${statusText(c.from)} -> ${statusText(c.to)}`,
        `  ${KIND_LABEL[c.kind].padEnd(labelWidth)} `,
        pad,
      ),
    );
    if (c.kind === 'new-failure' && c.actualTo !== undefined)
      out.push(...field('actual: ', visible(c.actualTo), width, pad));
  }
  const unCompared = d.pairs.filter((p) => !p.evidenceCompared);
  out.push('', `Evidence: ${plural(s.evidenceChanges, 'change')}`);
  for (const c of d.evidence) {
    out.push(...line(`${many ? `[${c.node}] ` : ''}${subjectText(c)}: ${evidenceText(c)}`, '  '));
  }
  if (unCompared.length > 0) {
    out.push(
      ...line(
        `(not compared for ${unCompared.map((p) => p.b).join(', ')}: a side is a report without its evidence)`,
        '  ',
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
