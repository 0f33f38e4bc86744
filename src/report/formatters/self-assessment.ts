import { nodePassRateText, notCompliant } from '../summary.js';
import { STATUSES, type NodeReport, type Result, type Status, type WaiversInfo } from '../types.js';
import { RESULT_LABEL, verdictLabel } from './labels.js';
import { groupResults, sortedResults, type GroupResults } from '../order.js';
import { visible } from './visible.js';

/**
 * The self-assessment document, as data: the seed guide's structure (header, methodology, known
 * failures, then every control with Audit, Returned Value and Result) filled in for this node.
 * The markdown and html formatters render this one model, so the two documents never disagree.
 */
export interface SelfAssessment {
  title: string;
  subtitle: string;
  /** The header table: label, value. */
  header: [string, string][];
  verdict: { compliant: boolean; label: string };
  counts: { status: Status; label: string; count: number; scored: number }[];
  total: number;
  scoredPassRate: string;
  waived: number;
  methodology: string[];
  /** Scored controls that failed or could not be evaluated on this node. */
  failing: Result[];
  skipped: NodeReport['node']['skipped'];
  waivers?: WaiversInfo;
  groups: GroupResults[];
}

/** The guide's "Returned Value": this node's evidence, or why there is none. */
export const returnedValue = (r: Result): string =>
  r.actual === '' ? '(nothing)' : visible(r.actual);

/** Paragraphs rkecis adds to the guide's methodology: how this document's values were obtained. */
const RKECIS_METHOD = [
  "rkecis collected this node's evidence once (each RKE container's inspect data, the metadata of the files the controls name, and Kubernetes API objects) and evaluated every control against it. The Audit of each control is the guide's own command, which an auditor can run on the node to reproduce the Returned Value.",
  'A control is Pass only when its evidence was read and meets the benchmark; evidence that could not be read is an Error, never a Pass. Not Applicable and Manual controls carry the reason. A waived failure is still shown as a failure, with the waiver that accepts it.',
];

/** Builds the document model. Pure: dates and versions come from the report. */
export function selfAssessment(report: NodeReport): SelfAssessment {
  const { profile, node, summary } = report;
  const results = sortedResults(report.results);
  const compliant = !notCompliant(results);
  const roles = node.roles.length > 0 ? node.roles.join(', ') : 'none';
  const header: [string, string][] = [
    ['rkecis version', report.rkecisVersion ?? 'not recorded'],
    ['Profile', `${profile.title} (${profile.name})`],
    ['CIS Benchmark version', profile.benchmark],
    ['Kubernetes version (profile)', profile.kubernetes],
    ...(profile.choice !== undefined
      ? [['Profile chosen', profile.choice.reason] as [string, string]]
      : []),
    ['Kubernetes version (detected)', node.kubernetesVersion ?? 'not detected'],
    [
      'Nodes',
      `${node.name}${node.hostname !== undefined && node.hostname !== node.name ? ` (${node.hostname})` : ''}: ${roles} (roles from ${node.rolesSource})`,
    ],
    ['Date', report.generatedAt ?? 'not recorded'],
  ];
  if (node.collectedAt !== undefined) header.push(['Evidence collected', node.collectedAt]);
  if (node.dockerConnection !== undefined)
    header.push(['Docker Engine connection', node.dockerConnection]);
  if (report.waivers !== undefined) header.push(['Waivers file', report.waivers.file]);
  // With its arithmetic: "90.0% = 72 pass / (72 pass + 8 fail + 0 error)", beside 72 of 96 scored.
  const rate = nodePassRateText(summary);
  return {
    title: `CIS Benchmark Self-Assessment: ${node.name}`,
    subtitle: `${profile.title}, filled in by rkecis for node ${node.name}`,
    header,
    verdict: { compliant, label: verdictLabel(compliant) },
    counts: STATUSES.map((s) => ({
      status: s,
      label: RESULT_LABEL[s],
      count: summary[s],
      scored: summary.scored[s],
    })),
    total: summary.total,
    scoredPassRate: rate,
    waived: results.filter((r) => r.waiver !== undefined).length,
    methodology: [
      ...(profile.methodology ?? '')
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter((p) => p !== ''),
      ...RKECIS_METHOD,
    ],
    failing: results.filter((r) => r.scored && (r.status === 'fail' || r.status === 'error')),
    skipped: node.skipped,
    ...(report.waivers !== undefined ? { waivers: report.waivers } : {}),
    groups: groupResults(report),
  };
}
