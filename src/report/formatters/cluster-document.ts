import { clusterVerdict } from '../cluster-summary.js';
import { passRateText } from '../summary.js';
import type {
  ClusterFinding,
  ClusterNodeInfo,
  ClusterReport,
  ClusterResult,
  ClusterStatus,
  Coverage,
  WaiversInfo,
} from '../types.js';
import {
  CLUSTER_RESULT_LABEL,
  CLUSTER_STATUS_ORDER,
  coverageLine,
  findingNodes,
} from './cluster-labels.js';
import { groupResults, sortedResults, type GroupResults } from '../order.js';
import { visible } from './visible.js';

/**
 * The cluster's self-assessment document, as data: the node document's structure (header,
 * methodology, failing controls, every control with Audit, Returned Value and Result) with a
 * coverage section, the node list, and per control the result on each node, grouped by outcome.
 * The markdown and html formatters render this one model.
 */
export interface ClusterDocument {
  title: string;
  subtitle: string;
  header: [string, string][];
  verdict: { compliant: boolean; label: string };
  counts: { status: ClusterStatus; label: string; count: number; scored: number }[];
  total: number;
  scoredTotal: number;
  scoredPassRate: string;
  waived: number;
  coverage: Coverage;
  coverageLine: string;
  nodes: ClusterNodeInfo[];
  methodology: string[];
  /** Scored controls that fail or could not be evaluated on some node. */
  failing: ClusterResult[];
  waivers?: WaiversInfo;
  groups: GroupResults<ClusterResult>[];
}

/** How many node names a finding lists in a document before "and N more" (the JSON has them all). */
export const NODES_SHOWN = 100;

const RKECIS_CLUSTER_METHOD = [
  "rkecis collected each node's evidence once (each RKE container's inspect data, the metadata of the files the controls name) and evaluated every control of the node's roles against it; the cluster-scoped controls (Kubernetes API objects and general practices) were evaluated once for the cluster. The Audit of each control is the guide's own command, which an auditor can run on a node to reproduce its Returned Value.",
  'A control is Pass only when it passes on every node that has its role; Mixed when the nodes differ, with the nodes of each result listed; evidence that could not be read is an Error, never a Pass. A node that could not be scanned is listed under Coverage, and the cluster is not compliant while any node is missing. A waived failure is still shown as a failure, with the waiver that accepts it.',
];

const RKECIS_PLAN_METHOD = [
  "This is a plan, made before deployment: no node was scanned. rkecis computed each node's containers from cluster.yml as RKE would create them (RKE's defaults for the Kubernetes version, then services.*.extra_args, taken as the text RKE passes) and evaluated every container-flag control on the planned arguments. Controls on host files and Kubernetes objects are Manual, each saying what the deployment must also do; scan the deployed cluster (rkecis cluster) to judge them.",
  'A control is Pass only when it passes on every planned node that has its role; Mixed when the nodes differ; a flag whose value the plan cannot know (given twice, under the _ and - spellings) is an Error, never a Pass. A waived failure is still shown as a failure, with the waiver that accepts it.',
];

export const returnedValueOf = (f: ClusterFinding): string =>
  f.actual === '' ? '(nothing)' : visible(f.actual);

/** The cluster's scored pass rate with its arithmetic: a mixed control is judged, not passing. */
export const clusterPassRateText = (s: ClusterReport['summary']): string =>
  passRateText(s.scoredPassRate, s.scored.pass, [
    ['pass', s.scored.pass],
    ['fail', s.scored.fail],
    ['mixed', s.scored.mixed],
    ['error', s.scored.error],
  ]);

/** "a, b and 3 more", listing up to NODES_SHOWN names. */
export const findingNodeList = (f: ClusterFinding): string => findingNodes(f, NODES_SHOWN);

export function clusterDocument(report: ClusterReport): ClusterDocument {
  const { profile, cluster, summary } = report;
  const verdict = clusterVerdict(report);
  const header: [string, string][] = [
    ['rkecis version', report.rkecisVersion ?? 'not recorded'],
    ['Profile', `${profile.title} (${profile.name})`],
    ['CIS Benchmark version', profile.benchmark],
    ['Kubernetes version (profile)', profile.kubernetes],
    ...(profile.choice !== undefined
      ? [['Profile chosen', profile.choice.reason] as [string, string]]
      : []),
    ['Kubernetes version (detected)', cluster.kubernetesVersion ?? 'not detected'],
    ['Cluster', `${cluster.name} (${cluster.source})`],
    ...(report.plan !== undefined ? [['Plan', report.plan] as [string, string]] : []),
    ['Nodes', coverageLine(report)],
    ['Date', report.generatedAt ?? 'not recorded'],
  ];
  if (cluster.clusterEvidence !== undefined)
    header.push(['Cluster-scoped evidence', cluster.clusterEvidence]);
  if (report.waivers !== undefined) header.push(['Waivers file', report.waivers.file]);
  const rate = clusterPassRateText(summary);
  const results = sortedResults(report.results);
  return {
    title: `CIS Benchmark Self-Assessment: cluster ${cluster.name}`,
    subtitle: `${profile.title}, filled in by rkecis for the ${report.nodes.length} ${report.plan !== undefined ? 'planned' : 'scanned'} ${report.nodes.length === 1 ? 'node' : 'nodes'} of cluster ${cluster.name}`,
    header,
    verdict,
    counts: CLUSTER_STATUS_ORDER.map((s) => ({
      status: s,
      label: CLUSTER_RESULT_LABEL[s],
      count: summary[s],
      scored: summary.scored[s],
    })),
    total: summary.total,
    scoredTotal: summary.scored.total,
    scoredPassRate: rate,
    waived: results.filter((r) => r.waiver !== undefined).length,
    coverage: report.coverage,
    coverageLine: coverageLine(report),
    nodes: report.nodes,
    methodology: [
      ...(profile.methodology ?? '')
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter((p) => p !== ''),
      ...(report.plan !== undefined ? RKECIS_PLAN_METHOD : RKECIS_CLUSTER_METHOD),
    ],
    failing: results.filter(
      (r) => r.scored && r.findings.some((f) => f.status === 'fail' || f.status === 'error'),
    ),
    ...(report.waivers !== undefined ? { waivers: report.waivers } : {}),
    groups: groupResults(report),
  };
}

/** The result as the document shows it: Mixed (fail on 2 of 5 nodes), waived marked. */
export function clusterResultLabel(r: ClusterResult): string {
  const waived = r.waiver !== undefined ? ' (waived)' : '';
  if (r.status !== 'mixed' || r.scope === 'cluster')
    return `${CLUSTER_RESULT_LABEL[r.status]}${waived}`;
  const total = r.findings.reduce((n, f) => n + f.count, 0);
  const bad = r.findings
    .filter((f) => f.status === 'fail' || f.status === 'error')
    .reduce((n, f) => n + f.count, 0);
  return `Mixed (${bad > 0 ? `fails on ${bad} of ${total} nodes` : `differs across ${total} nodes`})${waived}`;
}
