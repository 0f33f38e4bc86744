import type { WaiverEntry, WaiversInfo } from '../types.js';
import { controlAnchor, controlHeading, waiverDetail } from './labels.js';
import { mdBlocks, mdCell, mdCode, mdInline } from './markdown-escape.js';
import { visible } from './visible.js';

/**
 * The parts of the self-assessment document in Markdown that a node's (markdown.ts) and a
 * cluster's (cluster-markdown.ts) share, as lines: the head, the summary, the methodology, the
 * failing controls, the waivers, the groups, and the fields every control has.
 */

export function field(label: string, body: string): string[] {
  return [`**${label}**`, '', body, ''];
}

/** A control's anchor, its heading, the guide's audit command and erratum. */
export function controlStart(r: {
  id: string;
  title: string;
  scored: boolean;
  audit: string;
  erratum?: string | undefined;
}): string[] {
  const out = [
    `<a id="${controlAnchor(r.id)}"></a>`,
    '',
    `##### ${mdInline(controlHeading(r))}`,
    '',
  ];
  if (r.audit !== '') out.push(...field('Audit', mdCode(r.audit, 'sh')));
  if (r.erratum !== undefined) out.push(...field('Audit erratum', mdBlocks(r.erratum)));
  return out;
}

/** What the control expects. */
export const expectedLines = (r: { expected: string }): string[] => [
  `**Expected:** ${mdCell(r.expected)}`,
  '',
];

/** What Rancher's guide found on its hardened reference node. */
export const guideLines = (r: { guideResult: string }): string[] => [
  `**Result in Rancher's guide (hardened reference node):** ${mdInline(r.guideResult)}`,
  '',
];

/** A waiver that covers the control: its justification and bookkeeping. */
export const waiverField = (w: {
  justification: string;
  approvedBy?: string;
  expires?: string;
  source: string;
}): string[] => field('Waiver', `${mdBlocks(w.justification)}\n\n_${mdInline(waiverDetail(w))}_`);

/** The fields every control ends with, node and cluster alike. */
export function closingFields(r: {
  reason?: string | undefined;
  notes?: string | undefined;
  mitigation?: string | undefined;
  remediation: string;
}): string[] {
  const out: string[] = [];
  // A reason can quote evidence (an argument, a file name): its control characters are shown.
  if (r.reason !== undefined) out.push(...field('Reason', mdBlocks(visible(r.reason))));
  if (r.notes !== undefined) out.push(...field('Notes', mdBlocks(r.notes)));
  if (r.mitigation !== undefined) out.push(...field('Mitigation', mdBlocks(r.mitigation)));
  out.push(...field('Remediation', mdBlocks(r.remediation)));
  return out;
}

/** The title, the subtitle, the header table and the verdict. */
export function documentStart(doc: {
  title: string;
  subtitle: string;
  header: readonly (readonly [string, string])[];
  verdict: { label: string };
}): string[] {
  return [
    `# ${mdInline(doc.title)}`,
    '',
    mdInline(doc.subtitle),
    '',
    '| | |',
    '|---|---|',
    ...doc.header.map(([k, v]) => `| ${mdCell(k)} | ${mdCell(v)} |`),
    '',
    `**Result: ${mdInline(doc.verdict.label)}**`,
    '',
  ];
}

/** The counts by result, the scored pass rate and the waived failures. */
export function summaryLines(
  doc: {
    counts: readonly { label: string; count: number; scored: number }[];
    total: number;
    scoredPassRate: string;
    waived: number;
  },
  scoredTotal: number,
): string[] {
  return [
    '## Summary',
    '',
    '| Result | Controls | Scored |',
    '|---|---:|---:|',
    ...doc.counts.map((c) => `| ${c.label} | ${c.count} | ${c.scored} |`),
    `| Total | ${doc.total} | ${scoredTotal} |`,
    '',
    `Scored pass rate: ${doc.scoredPassRate}. Waived failures: ${doc.waived}.`,
    '',
  ];
}

export const methodologyLines = (methodology: readonly string[]): string[] => [
  '## Testing controls methodology',
  '',
  ...methodology.map((p) => `${mdBlocks(p)}\n`),
];

/** The failing scored controls, each a link to its control, or `none` when there is none. */
export function failingLines<R extends { id: string; title: string; scored: boolean }>(
  failing: readonly R[],
  label: (r: R) => string,
  none: string,
): string[] {
  return [
    '## Failing Scored Controls',
    '',
    ...(failing.length === 0 ? [none] : []),
    ...failing.map(
      (r) => `- [${mdInline(controlHeading(r))}](#${controlAnchor(r.id)}): ${label(r)}`,
    ),
    '',
  ];
}

export function waiverList(title: string, list: readonly WaiverEntry[]): string[] {
  if (list.length === 0) return [];
  return [
    `### ${title}`,
    '',
    '| Control | Justification | Approved by | Expires | Where | Note |',
    '|---|---|---|---|---|---|',
    ...list.map(
      (w) =>
        `| ${mdCell(w.control)} | ${mdCell(w.justification)} | ${mdCell(w.approvedBy ?? '')} | ${mdCell(w.expires ?? '')} | ${mdCell(w.source)} | ${mdCell(w.reason ?? '')} |`,
    ),
    '',
  ];
}

/** The waivers section, when the run had waivers. */
export function waiverLines(w: WaiversInfo | undefined): string[] {
  if (w === undefined) return [];
  return [
    '## Waivers',
    '',
    `From ${mdInline(w.file)}: ${w.applied.length} applied, ${w.expired.length} expired, ${w.unused.length} unused.`,
    '',
    ...waiverList('Applied', w.applied),
    ...waiverList('Expired (not applied)', w.expired),
    ...waiverList('Unused', w.unused),
  ];
}

/** Every control under the guide's groups and sections, a control's lines made by `control`. */
export function* controlLines<R>(
  groups: readonly {
    id: string;
    title: string;
    sections: readonly { id: string; title: string; description?: string; results: readonly R[] }[];
  }[],
  control: (r: R) => string[],
): Generator<string, void, undefined> {
  yield* ['## Controls', ''];
  for (const g of groups) {
    yield* [`### ${mdInline(`${g.id} - ${g.title}`)}`, ''];
    for (const s of g.sections) {
      yield* [`#### ${mdInline(`${s.id} - ${s.title}`)}`, ''];
      if (s.description !== undefined) yield* [mdBlocks(s.description), ''];
      for (const r of s.results) yield* control(r);
    }
  }
}
