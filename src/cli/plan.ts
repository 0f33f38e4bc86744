import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { EXIT, InputError } from '../base/errors.js';
import { VERSION } from '../base/version.js';
import { createClusterMerger } from '../cluster/merge.js';
import type { Profile } from '../profiles/schema.js';
import { clusterNotCompliant } from '../report/cluster-summary.js';
import type { FormatName } from '../report/formatters/index.js';
import { notCompliant } from '../report/summary.js';
import type { ClusterReport, NodeReport } from '../report/types.js';
import { loadClusterYml, nodeName, type LoadedCluster } from '../rke/cluster-yml.js';
import { RKE_VERSION } from '../rke/defaults-v0.1.js';
import { planNodeReport } from '../rke/plan-report.js';
import { planCluster, type PlannedNode } from '../rke/plan.js';
import { checkPlanProfile, PLAN_PROFILES, planProfilesText } from '../rke/plan-profiles.js';
import { oneLine } from '../text/visible.js';
import { writeOutputs } from './output.js';
import { addFormatOptions } from './report-output.js';
import { formatOutputs, startReportRun } from './report-run.js';

export interface PlanOptions {
  profile?: string;
  format: FormatName;
  output?: string;
  /** Extra outputs, `FORMAT=FILE`, from repeated `-o`. */
  out?: string[];
  waivers?: string;
  verbose?: boolean;
  node?: string;
}

/** The planned nodes of a cluster.yml and their reports. Pure apart from reading the files. */
export function planClusterFile(
  file: string,
  profile: Profile,
  only?: string,
): { cluster: LoadedCluster; nodes: PlannedNode[]; reports: NodeReport[] } {
  const cluster = loadClusterYml(file);
  let nodes = planCluster(cluster.config);
  if (only !== undefined) {
    const found = nodes.filter((n) => n.name === only || n.address === only);
    if (found.length === 0) {
      throw new InputError(
        `--node ${only}: no such node in ${file} (nodes: ${nodes.map((n) => n.name).join(', ')})`,
      );
    }
    nodes = found;
  }
  const reports = nodes.map((n) => ({
    rkecisVersion: VERSION,
    ...planNodeReport(profile, n, file),
  }));
  return { cluster, nodes, reports };
}

/** What a plan is, for the reader of its document: not a scan of anything. */
const planNote = (file: string, cluster: LoadedCluster): string =>
  `planned from ${file}, not scanned: each node's containers as RKE ${RKE_VERSION} would create them for kubernetes_version ${cluster.kubernetesVersion} (its defaults, then services.*.extra_args); container-flag controls are judged on the planned arguments, file and Kubernetes-object controls are manual, each with what the deployment must also do`;

/** The text plan of one node ends with the plan's line for it. */
function nodeSummary(
  file: string,
  cluster: LoadedCluster,
  profile: Profile,
  r: NodeReport,
): string {
  const s = r.summary;
  return (
    [
      '',
      `Plan of ${file}: RKE ${RKE_VERSION} defaults for kubernetes_version ${cluster.kubernetesVersion}, then services.*.extra_args; profile ${profile.meta.name}.`,
      'Container-flag controls are judged on the planned args; file, file-content and Kubernetes-object controls are manual: each says what the deployment must also do.',
      `  ${r.node.name}  ${r.node.roles.join(',')}  pass ${s.pass}  fail ${s.fail}  manual ${s.manual}  n/a ${s['not-applicable']}  error ${s.error}`,
      judgedAndFailing(r)
        ? 'Result: the planned node fails scored controls (exit 1).'
        : 'Result: no scored control fails on the planned args (exit 0).',
    ]
      // Node names and the file name come from the user's cluster.yml: shown escaped.
      .map(oneLine)
      .join('\n')
  );
}

/**
 * The plan of the whole cluster, as one cluster report: the planned nodes' reports merged as a
 * cluster scan merges scanned ones (createClusterMerger), so every format holds the cluster.
 */
function clusterPlan(
  file: string,
  cluster: LoadedCluster,
  profile: Profile,
  nodes: readonly PlannedNode[],
  reports: readonly NodeReport[],
): ClusterReport {
  const merger = createClusterMerger({ profile });
  reports.forEach((r, i) => {
    merger.add(r, nodes[i]?.address);
  });
  return {
    ...merger.finish({
      cluster: {
        name: cluster.config.cluster_name ?? basename(file, extname(file)),
        source: file,
      },
      expected: {
        from: file,
        nodes: cluster.config.nodes.map((n) => ({
          name: nodeName(n),
          roles: n.role,
          source: n.address,
        })),
      },
      rkecisVersion: VERSION,
    }),
    plan: planNote(file, cluster),
  };
}

/** Writes the plan (a node's with --node, else the cluster's) in every format asked; returns the exit code. */
export async function runPlan(file: string, opts: PlanOptions): Promise<number> {
  // Everything the user gave is checked before anything is written.
  const named = opts.profile;
  const run = await startReportRun(opts, {
    name: named ?? PLAN_PROFILES[0],
    choice: {
      reason:
        named !== undefined
          ? 'named with --profile'
          : `the profile rkecis plan supports: ${planProfilesText()}`,
    },
  });
  checkPlanProfile('plan', run.profile.meta);
  const planned = planClusterFile(file, run.profile, opts.node);
  const reports = planned.reports.map(run.waive);
  const node = reports.length === 1 && opts.node !== undefined ? reports[0] : undefined;
  if (node !== undefined) {
    const outputs = await formatOutputs(node, opts, run.extra);
    await writeOutputs(
      outputs.map((o) =>
        o.format === 'text'
          ? {
              ...o,
              content: `${(o.content as string).trimEnd()}\n${nodeSummary(file, planned.cluster, run.profile, node)}`,
            }
          : o,
      ),
    );
    return judgedAndFailing(node) ? EXIT.notCompliant : EXIT.compliant;
  }
  const report = clusterPlan(file, planned.cluster, run.profile, planned.nodes, reports);
  await writeOutputs(await formatOutputs(report, opts, run.extra));
  return clusterNotCompliant(report) ? EXIT.notCompliant : EXIT.compliant;
}

/**
 * A planned node fails the plan when a control it has fails. A node that none of the profile's
 * controls apply to (a worker, for a controlplane-only profile) is out of the plan's scope; it is
 * not a report of nothing judged, which on its own would not be compliant.
 */
const judgedAndFailing = (r: NodeReport): boolean =>
  r.results.length > 0 && notCompliant(r.results);

export function register(program: Command, done: (code: number) => void): void {
  const cmd = program
    .command('plan')
    .description(
      'check an RKE cluster.yml before deploying: the args RKE v0.1.x would give each container, judged against the profile; one cluster report (or one node with --node)',
    )
    .argument('<cluster-yml>', 'RKE cluster.yml')
    .option(
      '--profile <name>',
      `built-in profile name or profile folder; plan supports ${planProfilesText()} only (the default)`,
    );
  addFormatOptions(cmd)
    .option(
      '--waivers <file>',
      'YAML file of accepted failures (waivers); see examples/waivers-*.yaml',
    )
    .option('--node <name>', 'only this node (hostname_override or address): its node report')
    .option('-v, --verbose', 'show evidence of passing controls too')
    .action(async (file: string, opts: PlanOptions) => {
      done(await runPlan(file, opts));
    });
}
