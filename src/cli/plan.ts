import { Option, type Command } from 'commander';
import type { Profile } from '../profiles/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../profiles/load.js';
import { colours, plain } from '../report/formatters/colors.js';
import formatters, { FORMAT_NAMES, type FormatName } from '../report/formatters/index.js';
import { notCompliant } from '../report/summary.js';
import type { NodeReport } from '../report/types.js';
import { loadClusterYml, type LoadedCluster } from '../rke/cluster-yml.js';
import { RKE_VERSION } from '../rke/defaults-v0.1.js';
import { planReport } from '../rke/plan-report.js';
import { planCluster, planEvidence, type PlannedNode } from '../rke/plan.js';
import { oneLine } from '../text/visible.js';
import { EXIT, InputError } from './errors.js';
import { emit } from './output.js';
import { textWidth, wantColour } from './report-output.js';

export interface PlanOptions {
  profile: string;
  format: FormatName;
  output?: string;
  verbose?: boolean;
  node?: string;
}

/** Formats that can hold several node reports one after another. */
const CONCATENABLE = new Set<string>(['text', 'markdown']);

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
  const reports = nodes.map((n) => planReport(profile, planEvidence(n, file)));
  return { cluster, nodes, reports };
}

function clusterSummary(
  file: string,
  cluster: LoadedCluster,
  profile: Profile,
  reports: NodeReport[],
): string {
  const width = Math.max(4, ...reports.map((r) => r.node.name.length));
  const rows = reports.map((r) => {
    const s = r.summary;
    const roles = r.node.roles.join(',');
    return `  ${r.node.name.padEnd(width)}  ${roles.padEnd(25)} pass ${String(s.pass).padStart(3)}  fail ${String(s.fail).padStart(3)}  manual ${String(s.manual).padStart(3)}  n/a ${String(s['not-applicable']).padStart(3)}  error ${String(s.error).padStart(3)}`;
  });
  const failing = reports.some(judgedAndFailing);
  const order = new Map(profile.controls.map((c, i) => [c.id, i]));
  const failed = [
    ...new Set(
      reports.flatMap((r) => r.results.filter((x) => x.status === 'fail').map((x) => x.id)),
    ),
  ].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return (
    [
      '',
      `Plan of ${file}: RKE ${RKE_VERSION} defaults for kubernetes_version ${cluster.kubernetesVersion}, then services.*.extra_args; profile ${profile.meta.name}.`,
      'Container-flag controls are judged on the planned args; file, file-content and Kubernetes-object controls are manual: each says what the deployment must also do.',
      ...rows,
      `Failing controls (${failed.length}): ${failed.length > 0 ? failed.join(', ') : 'none'}`,
      failing
        ? 'Result: the planned cluster fails scored controls (exit 1).'
        : 'Result: no scored control fails on the planned args (exit 0).',
    ]
      // Node names and the file name come from the user's cluster.yml: shown escaped.
      .map(oneLine)
      .join('\n')
  );
}

/** Writes the plan's reports and returns the exit code. */
export async function runPlan(file: string, opts: PlanOptions): Promise<number> {
  const profile = loadProfile(opts.profile);
  const { cluster, reports } = planClusterFile(file, profile, opts.node);
  const format = opts.format;
  const paint = wantColour(process.stdout, opts.output) ? colours : plain;
  const fmt = formatters[format];
  const formatOpts = {
    paint,
    verbose: opts.verbose === true,
    width: textWidth(process.stdout, opts.output),
  };
  let out: string;
  if (reports.length === 1 && format !== 'json') {
    out = fmt(reports[0] as NodeReport, formatOpts);
  } else if (format === 'json') {
    // One report per node, as a JSON array, in cluster.yml's node order.
    out = `${JSON.stringify(
      reports.map((r) => JSON.parse(fmt(r, formatOpts)) as unknown),
      null,
      2,
    )}\n`;
  } else if (CONCATENABLE.has(format)) {
    out = reports.map((r) => fmt(r, formatOpts).trimEnd()).join(`\n\n${'='.repeat(100)}\n\n`);
  } else {
    throw new InputError(
      `--format ${format} holds one node's report; choose a node with --node (nodes: ${reports.map((r) => r.node.name).join(', ')})`,
    );
  }
  if (format === 'text')
    out = `${out.trimEnd()}\n${clusterSummary(file, cluster, profile, reports)}\n`;
  await emit(out, opts.output);
  return reports.some(judgedAndFailing) ? EXIT.notCompliant : EXIT.compliant;
}

/**
 * A planned node fails the plan when a control it has fails. A node that none of the profile's
 * controls apply to (a worker, for a controlplane-only profile) is out of the plan's scope; it is
 * not a report of nothing judged, which on its own would not be compliant.
 */
const judgedAndFailing = (r: NodeReport): boolean =>
  r.results.length > 0 && notCompliant(r.results);

export function register(program: Command, done: (code: number) => void): void {
  program
    .command('plan')
    .description(
      'check an RKE cluster.yml before deploying: the args RKE v0.1.x would give each container, judged against the profile',
    )
    .argument('<cluster-yml>', 'RKE cluster.yml')
    .option('--profile <name>', 'built-in profile name or profile folder', DEFAULT_PROFILE)
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMAT_NAMES).default('text'),
    )
    .option('--output <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--node <name>', 'only this node (hostname_override or address)')
    .option('-v, --verbose', 'show evidence of passing controls too')
    .action(async (file: string, opts: PlanOptions) => {
      done(await runPlan(file, opts));
    });
}
