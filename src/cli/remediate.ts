import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { evaluate } from '../engine/evaluate.js';
import { MAX_EVIDENCE_BYTES, parseEvidence } from '../evidence/read.js';
import { EVIDENCE_KIND, type Evidence } from '../evidence/schema.js';
import { MAX_YAML_BYTES } from '../base/yaml-file.js';
import { loadProfile } from '../profiles/load.js';
import { nodeReportsOf } from '../report/cluster-nodes.js';
import type { ClusterReport, NodeReport } from '../report/types.js';
import { loadClusterYml } from '../rke/cluster-yml.js';
import { buildRemediation, type Remediation } from '../rke/remediate/index.js';
import { checkPlanProfile, PLAN_PROFILES, planProfilesText } from '../rke/plan-profiles.js';
import { VERSION } from '../base/version.js';
import { systemReason } from '../text/system-error.js';
import { oneLine } from '../text/visible.js';
import { EXIT, InputError } from '../base/errors.js';
import { readInputText } from '../base/input-file.js';
import { chooseForEvidence } from './profile-choice.js';
import { writeFiles, type PendingFile } from './write-files.js';
import { closestIssue, PLAIN } from '../text/schema-issues.js';

export interface RemediateOptions {
  clusterYml?: string;
  outputDir?: string;
  inPlace?: boolean;
  force?: boolean;
  profile?: string;
}

export const DEFAULT_OUTPUT_DIR = 'rkecis-remediation';

/** What a verdict found, as remediate reads it: an id and its data (checked where it is read). */
const foundSchema = z.looseObject({ id: z.string(), data: z.record(z.string(), z.unknown()) });

/** The parts of a node report remediate reads (the JSON report of plan, scan and evaluate). */
const reportSchema = z.looseObject({
  profile: z.looseObject({ name: z.string() }),
  node: z.looseObject({ name: z.string(), roles: z.array(z.string()), rolesSource: z.string() }),
  results: z.array(
    z.looseObject({
      id: z.string(),
      status: z.string(),
      title: z.string(),
      found: foundSchema.optional(),
    }),
  ),
});

/** The parts of a cluster report (rkecis plan, rkecis cluster) remediate reads, node by node. */
const clusterReportSchema = z.looseObject({
  kind: z.literal('cluster'),
  profile: z.looseObject({ name: z.string() }),
  nodes: z.array(
    z.looseObject({ name: z.string(), roles: z.array(z.string()), rolesSource: z.string() }),
  ),
  results: z.array(
    z.looseObject({
      id: z.string(),
      title: z.string(),
      scope: z.enum(['node', 'cluster']),
      nodes: z.record(z.string(), z.string()),
      findings: z.array(
        z.looseObject({
          status: z.string(),
          actual: z.string(),
          found: foundSchema.optional(),
          nodes: z.array(z.string()).optional(),
        }),
      ),
    }),
  ),
});

/**
 * Reads the input: one node report, a list of them, a cluster report (plan, cluster) taken
 * apart node by node, or an evidence bundle.
 */
export function readRemediateInput(file: string): { reports?: NodeReport[]; evidence?: Evidence } {
  const text = readInputText(file, {
    maxBytes: MAX_EVIDENCE_BYTES,
    expected: 'a report or evidence bundle',
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(
      `${file}: not JSON. remediate reads a JSON report (rkecis plan|scan|evaluate --format json) or an evidence bundle; for a cluster.yml, run \`rkecis plan ${file} --format json > plan.json\` and remediate plan.json --cluster-yml ${file}`,
    );
  }
  if (
    data !== null &&
    typeof data === 'object' &&
    (data as { kind?: unknown }).kind === EVIDENCE_KIND
  ) {
    return { evidence: parseEvidence(data, file) };
  }
  if (
    data !== null &&
    typeof data === 'object' &&
    (data as { kind?: unknown }).kind === 'cluster'
  ) {
    const parsed = clusterReportSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `${file}: not an rkecis cluster report (at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'})`,
      );
    }
    const reports = nodeReportsOf(parsed.data as unknown as ClusterReport);
    if (reports.length === 0) throw new InputError(`${file}: a cluster report of no node`);
    return { reports: withFound(file, reports) };
  }
  const nested = (data as { nodes?: unknown } | null)?.nodes;
  const list: unknown[] = Array.isArray(data) ? data : Array.isArray(nested) ? nested : [data];
  if (list.length === 0) throw new InputError(`${file}: an empty list of reports`);
  const reports = list.map((item, i) => {
    const parsed = reportSchema.safeParse(item, PLAIN);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const issue = first !== undefined ? closestIssue(first) : undefined;
      const at = [...(list.length > 1 || Array.isArray(data) ? [i] : []), ...(issue?.path ?? [])]
        .map(String)
        .join('.');
      throw new InputError(
        `${file}: not an rkecis JSON report or evidence bundle (at ${at === '' ? 'top level' : at}: ${issue?.message ?? 'invalid'})`,
      );
    }
    return parsed.data as unknown as NodeReport;
  });
  return { reports: withFound(file, reports) };
}

/**
 * The reports, if each failed or erred result says what it found (`found`): remediate reads the
 * flag values and the missing files from there, never from the text. A report of an older rkecis
 * lacks it, and a remediation without it would start from RKE's defaults and leave failures
 * unfixed while saying they are fixed: refused, with how to make the report again.
 */
function withFound(file: string, reports: NodeReport[]): NodeReport[] {
  const lacking = new Set<string>();
  for (const r of reports)
    for (const res of r.results)
      if ((res.status === 'fail' || res.status === 'error') && res.found === undefined)
        lacking.add(res.id);
  if (lacking.size === 0) return reports;
  const ids = [...lacking];
  const some =
    ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
  throw new InputError(
    `${file}: its failed or erred results (${some}) carry no "found" data, which remediate reads to know what each control found (a report of an older rkecis); make the report again with rkecis ${VERSION} (rkecis plan|scan|evaluate|cluster --format json)`,
  );
}

/** cluster.yml -> cluster.remediated.yml, beside it. */
export const remediatedName = (file: string): string => {
  const ext = extname(file);
  return join(dirname(file), `${basename(file, ext)}.remediated${ext === '' ? '.yml' : ext}`);
};

function summary(r: Remediation, written: string[], clusterOut: string | undefined): string {
  const by = (how: string): Remediation['outcomes'] => r.outcomes.filter((o) => o.how === how);
  const ids = (os: Remediation['outcomes']): string => os.map((o) => o.id).join(', ');
  const lines = [
    `rkecis remediate: ${r.outcomes.length} controls to fix${r.unjudged.length > 0 ? `, ${r.unjudged.length} not judged` : ''}`,
  ];
  const yml = by('cluster.yml');
  if (yml.length > 0)
    lines.push(
      `  cluster.yml (extra_args, pod_security_policy, extra_binds): ${ids(yml)}${clusterOut !== undefined ? ` -> ${clusterOut}` : ' -> cluster-yml-changes.yml'}`,
    );
  const host = by('host');
  if (host.length > 0) lines.push(`  host commands: ${ids(host)}`);
  const files = [...by('file'), ...by('manifest')];
  if (files.length > 0) lines.push(`  files and manifests: ${ids(files)}`);
  const manual = [...by('mitigation'), ...by('manual')];
  if (manual.length > 0) lines.push(`  no automatic fix (mitigation in README.md): ${ids(manual)}`);
  if (written.length > 0) lines.push(`  wrote (mode 0600): ${written.join(', ')}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  // Paths and warnings quote the user's file and node names: escaped for the terminal.
  return `${lines.map(oneLine).join('\n')}\n`;
}

export async function runRemediate(input: string, opts: RemediateOptions): Promise<number> {
  const read = readRemediateInput(input);
  const profileName =
    opts.profile ??
    read.reports?.[0]?.profile.name ??
    (read.evidence !== undefined ? chooseForEvidence(undefined, read.evidence).name : undefined) ??
    PLAN_PROFILES[0];
  for (const r of read.reports ?? []) checkPlanProfile('remediate', r.profile);
  const profile = loadProfile(profileName);
  checkPlanProfile('remediate', profile.meta);
  const reports =
    read.reports ?? (read.evidence !== undefined ? [evaluate(profile, read.evidence)] : []);
  if (opts.inPlace === true && opts.clusterYml === undefined)
    throw new InputError('--in-place needs --cluster-yml');
  let cluster: Parameters<typeof buildRemediation>[0]['cluster'];
  if (opts.clusterYml !== undefined) {
    const loaded = loadClusterYml(opts.clusterYml);
    cluster = {
      file: opts.clusterYml,
      text: readInputText(opts.clusterYml, { maxBytes: MAX_YAML_BYTES }),
      config: loaded.config,
    };
  }
  const clusterOut =
    cluster === undefined
      ? undefined
      : opts.inPlace === true
        ? cluster.file
        : remediatedName(cluster.file);
  const r = buildRemediation({
    profile,
    ...(clusterOut !== undefined ? { clusterOut } : {}),
    reports,
    ...(read.evidence !== undefined ? { evidence: [read.evidence] } : {}),
    ...(cluster !== undefined ? { cluster } : {}),
    encryptionKey: randomBytes(32).toString('base64'),
    source: input,
    version: VERSION,
  });
  if (r.outcomes.length === 0) {
    process.stdout.write(`rkecis remediate: no failed control in ${input}; nothing to write\n`);
    return EXIT.compliant;
  }
  const dir = resolve(opts.outputDir ?? DEFAULT_OUTPUT_DIR);
  const shown = opts.outputDir ?? DEFAULT_OUTPUT_DIR;
  const existing = r.files
    .filter((f) => existsSync(join(dir, f.name)))
    .map((f) => join(shown, f.name));
  if (
    r.clusterYml !== undefined &&
    clusterOut !== undefined &&
    opts.inPlace !== true &&
    existsSync(clusterOut)
  )
    existing.push(clusterOut);
  if (existing.length > 0 && opts.force !== true) {
    throw new InputError(
      `would overwrite ${existing.join(', ')}; remove them, choose another --output-dir, or give --force`,
    );
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new InputError(`cannot create ${shown}: ${systemReason(e)}`);
  }
  // Mode 0600 exactly, whatever the umask; the cluster.yml keeps its own mode.
  const files: PendingFile[] = r.files.map((f) => ({
    path: join(dir, f.name),
    content: f.content,
    mode: 0o600,
  }));
  const written = r.files.map((f) => join(shown, f.name));
  if (clusterOut !== undefined && cluster !== undefined && r.clusterYml !== undefined) {
    files.push({
      path: clusterOut,
      content: r.clusterYml.text,
      mode: statSync(cluster.file).mode & 0o777,
    });
    written.push(clusterOut);
  }
  await writeFiles(files);
  process.stdout.write(summary(r, written, r.clusterYml !== undefined ? clusterOut : undefined));
  return EXIT.compliant;
}

export function register(program: Command, done: (code: number) => void): void {
  program
    .command('remediate')
    .description(
      'write the fixes for the failed controls of a report or evidence bundle: cluster.yml changes, host scripts, the hardening files and PodSecurityPolicy',
    )
    .argument('<input>', 'JSON report (rkecis plan|scan|evaluate --format json) or evidence bundle')
    .option(
      '--cluster-yml <file>',
      'RKE cluster.yml to change: the result is written beside it (<name>.remediated.yml)',
    )
    .option(
      '--output-dir <dir>',
      `folder for the scripts, files and README (default ./${DEFAULT_OUTPUT_DIR}/)`,
    )
    .option(
      '--in-place',
      'overwrite the cluster.yml itself (atomically) instead of writing beside it',
    )
    .option('--force', 'overwrite files that exist already')
    .option(
      '--profile <name>',
      `profile (default: the report's, else the one the bundle's Kubernetes version calls for); remediate supports ${planProfilesText()} only`,
    )
    .action(async (input: string, opts: RemediateOptions) => {
      done(await runRemediate(input, opts));
    });
}
