import type { AppliedWaiver, ProfileInfo, Result } from '../types.js';
import { controlHeading, scoredLabel } from './labels.js';
import { mdCell, mdCode } from './markdown-escape.js';
import { mdBlocks } from './markdown-escape.js';
import { sectionTitle } from '../order.js';

/**
 * What a node's SARIF log (sarif.ts) and a cluster's (cluster-sarif.ts) share: the log around
 * the results, and a rule per control with its help.
 */

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

/** The log around a run's results: the tool and its rules, the invocation, the run's properties. */
export function sarifLog(
  report: { rkecisVersion?: string | undefined; generatedAt?: string | undefined },
  run: {
    rules: Record<string, unknown>[];
    successful: boolean;
    /** Added to the invocation after its end time (a cluster's nodes not scanned). */
    invocation?: Record<string, unknown>;
    automationId: string;
    /** An array, or a cluster's results as a sequence made while they are written. */
    results: unknown;
    properties: Record<string, unknown>;
  },
): Record<string, unknown> {
  return {
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
            rules: run.rules,
          },
        },
        invocations: [
          {
            executionSuccessful: run.successful,
            ...(report.generatedAt !== undefined ? { endTimeUtc: report.generatedAt } : {}),
            ...run.invocation,
          },
        ],
        automationDetails: { id: run.automationId },
        results: run.results,
        properties: run.properties,
      },
    ],
  };
}
