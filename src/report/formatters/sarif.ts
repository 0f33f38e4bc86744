import { notCompliant } from '../summary.js';
import type { AppliedWaiver, NodeReport, ProfileInfo, Result } from '../types.js';
import { controlHeading, scoredLabel } from './labels.js';
import { mdCell, mdCode } from './markdown-escape.js';
import { mdBlocks } from './markdown.js';
import { sectionTitle, sortedResults } from '../order.js';

/** The OASIS schema the log claims; tests validate against it (test/fixtures). */
export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export const level = (r: Pick<Result, 'scored'>): 'error' | 'warning' =>
  r.scored ? 'error' : 'warning';

/** The control's fields every result of it shares (a node's Result or a cluster's). */
type ControlFields = Omit<Result, 'status'>;

function helpText(r: ControlFields): string {
  return [
    ...(r.notes !== undefined ? [`Notes: ${r.notes.trimEnd()}`, ''] : []),
    ...(r.audit !== '' ? ['Audit:', r.audit, ''] : []),
    `Expected: ${r.expected}`,
    '',
    ...(r.mitigation !== undefined ? ['Mitigation:', r.mitigation.trimEnd(), ''] : []),
    'Remediation:',
    r.remediation.trimEnd(),
  ].join('\n');
}

function helpMarkdown(r: ControlFields): string {
  return [
    ...(r.notes !== undefined ? ['**Notes**', '', mdBlocks(r.notes), ''] : []),
    ...(r.audit !== '' ? ['**Audit**', '', mdCode(r.audit, 'sh'), ''] : []),
    `**Expected:** ${mdCell(r.expected)}`,
    '',
    ...(r.mitigation !== undefined ? ['**Mitigation**', '', mdBlocks(r.mitigation), ''] : []),
    '**Remediation**',
    '',
    mdBlocks(r.remediation),
  ].join('\n');
}

export function rule(report: { profile: ProfileInfo }, r: ControlFields): Record<string, unknown> {
  return {
    id: r.id,
    shortDescription: { text: r.title },
    fullDescription: {
      text: `${controlHeading(r)}. ${report.profile.benchmark}, section ${sectionTitle(report, r.section)}.`,
    },
    help: { text: helpText(r), markdown: helpMarkdown(r) },
    defaultConfiguration: { level: level(r) },
    properties: {
      tags: ['security', 'CIS', report.profile.name, scoredLabel(r.scored)],
      section: r.section,
      role: r.role,
      scored: r.scored,
    },
  };
}

/** "file:line:column" of a waiver as a SARIF physical location. */
function waiverLocation(source: string): Record<string, unknown> | undefined {
  const m = /^(.*):(\d+):(\d+)$/.exec(source);
  if (m === null) return undefined;
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(m[1] ?? '') },
      region: { startLine: Number(m[2]), startColumn: Number(m[3]) },
    },
  };
}

function result(report: NodeReport, r: Result, ruleIndex: number): Record<string, unknown> {
  const node = report.node.name;
  const text =
    r.status === 'error'
      ? `${r.id} could not be evaluated on node ${node}: ${r.reason ?? r.actual}`
      : `${r.id} failed on node ${node}: found ${r.actual}; expected ${r.expected}`;
  const out: Record<string, unknown> = {
    ruleId: r.id,
    ruleIndex,
    kind: 'fail',
    level: level(r),
    message: { text },
    locations: [
      { logicalLocations: [{ name: node, fullyQualifiedName: `node/${node}`, kind: 'resource' }] },
    ],
    partialFingerprints: { 'rkecisNodeControl/v1': `${node}/${r.id}` },
    properties: { status: r.status, scored: r.scored, actual: r.actual, expected: r.expected },
  };
  if (r.waiver !== undefined) out.suppressions = suppressions(r.waiver);
  return out;
}

/** A waiver is SARIF's external, accepted suppression: viewers show the result as suppressed, with why. */
export function suppressions(waiver: AppliedWaiver): Record<string, unknown>[] {
  const location = waiverLocation(waiver.source);
  return [
    {
      kind: 'external',
      status: 'accepted',
      justification: waiver.justification,
      ...(location !== undefined ? { location } : {}),
      properties: {
        ...(waiver.approvedBy !== undefined ? { approvedBy: waiver.approvedBy } : {}),
        ...(waiver.expires !== undefined ? { expires: waiver.expires } : {}),
      },
    },
  ];
}

/**
 * SARIF 2.1.0: one rule per control of the report, with its help text; one result per failed
 * control or control that could not be evaluated. Rules and results are sorted by control id.
 */
export function sarif(report: NodeReport): string {
  const results = sortedResults(report.results);
  const index = new Map(results.map((r, i) => [r.id, i]));
  const { name, roles } = report.node;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rkecis',
            ...(report.rkecisVersion !== undefined
              ? { version: report.rkecisVersion, semanticVersion: report.rkecisVersion }
              : {}),
            rules: results.map((r) => rule(report, r)),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            ...(report.generatedAt !== undefined ? { endTimeUtc: report.generatedAt } : {}),
          },
        ],
        automationDetails: { id: `rkecis/${report.profile.name}/${name}/` },
        results: results
          .filter((r) => r.status === 'fail' || r.status === 'error')
          .map((r) => result(report, r, index.get(r.id) ?? -1)),
        properties: {
          profile: report.profile.name,
          benchmark: report.profile.benchmark,
          ...(report.profile.choice !== undefined ? { profileChoice: report.profile.choice } : {}),
          node: name,
          roles,
          compliant: !notCompliant(report.results),
          summary: report.summary,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
