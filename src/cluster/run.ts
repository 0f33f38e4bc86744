import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { EXIT, InputError } from '../cli/errors.js';
import { MiB, readInputText, UnreadableFile } from '../cli/input-file.js';
import {
  parseExtraOutputs,
  runDate,
  textWidth,
  wantColour,
  type ReportOptions,
} from '../cli/report-output.js';
import { writeOutputs, type Output } from '../cli/output.js';
import { say } from '../cli/say.js';
import { deadlineMs } from '../cli/seconds.js';
import { bundleRoles, declaredRoles } from '../collect/collect.js';
import {
  collectKubernetes,
  describeSource,
  findKubeconfig,
  type KubeSource,
} from '../collect/kubernetes.js';
import { parseKnownHosts, type KnownHosts } from '../collect/ssh/known-hosts.js';
import { evaluate } from '../engine/evaluate.js';
import { evidenceRequirements } from '../engine/requirements.js';
import type { Evidence, Role } from '../evidence/schema.js';
import { openProfile } from '../profiles/open.js';
import type { Profile } from '../profiles/schema.js';
import { colours, plain } from '../report/formatters/colors.js';
import { loadClusterFormatter } from '../report/formatters/cluster-names.js';
import type { ClusterReport, NodeReport, NotScannedNode } from '../report/types.js';
import { loadClusterYml, nodeName, type LoadedCluster } from '../rke/cluster-yml.js';
import { wantsSave, withSaving, type ScanToSave } from '../store/save.js';
import { VERSION } from '../version.js';
import { applyWaivers } from '../waivers/apply.js';
import { loadWaivers, type LoadedWaivers } from '../waivers/load.js';
import { bundleFiles, bundleLabel, readBundles } from './bundles.js';
import {
  evaluateClusterScope,
  kubernetesQuality,
  type KubernetesEvidence,
} from './cluster-scope.js';
import { clusterNotCompliant, createClusterMerger, nameList, type ClusterMerger } from './merge.js';
import { scanNodes } from './ssh-scan.js';
import { clusterTargets } from './targets.js';
import { readPassphrase } from './passphrase.js';

export interface ClusterCliOptions extends ReportOptions {
  config?: string;
  bundles?: string;
  concurrency: string;
  timeout: string;
  nodeTimeout: string;
  knownHosts?: string;
  insecureIgnoreHostKey?: boolean;
  kubeconfig?: string;
  clusterName?: string;
  allowPartial?: boolean;
  sshPassphraseFile?: string;
}

function count(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new InputError(`${flag} ${JSON.stringify(text)}: expected a whole number from 1 to 1000`);
  }
  return n;
}

const home = (env: NodeJS.ProcessEnv): string =>
  env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();

/** A known_hosts of a few hundred thousand hosts; anything bigger is not one. */
const MAX_KNOWN_HOSTS_BYTES = 64 * MiB;

/** known_hosts, read once; a missing file is bad input (every node would be refused). */
export function loadKnownHosts(flag: string | undefined, env: NodeJS.ProcessEnv): KnownHosts {
  const file = flag ?? join(home(env), '.ssh', 'known_hosts');
  let text: string;
  try {
    text = readInputText(file, {
      maxBytes: MAX_KNOWN_HOSTS_BYTES,
      label: `${flag !== undefined ? '--known-hosts ' : 'known_hosts '}${file}`,
    });
  } catch (e) {
    if (!(e instanceof UnreadableFile)) throw e;
    throw new InputError(
      `${e.message}; the nodes' host keys are checked against it (ssh-keyscan them after checking their fingerprints, or pass --insecure-ignore-host-key)`,
    );
  }
  return parseKnownHosts(text, file);
}

/** Where the cluster-scoped controls' Kubernetes objects come from in an SSH scan. */
function kubeSourceFor(
  opts: ClusterCliOptions,
  cluster: LoadedCluster | undefined,
  env: NodeJS.ProcessEnv,
): KubeSource {
  if (opts.kubeconfig !== undefined) return findKubeconfig(opts.kubeconfig, env);
  if (cluster !== undefined) {
    // `rke up` writes kube_config_<cluster file> beside the cluster file.
    const beside = join(dirname(cluster.file), `kube_config_${basename(cluster.file)}`);
    if (existsSync(beside)) return { kind: 'kubeconfig', path: beside, from: '--kubeconfig' };
  }
  return findKubeconfig(undefined, env);
}

interface Run {
  profile: Profile;
  waivers: LoadedWaivers | undefined;
  today: string;
  generatedAt: string | undefined;
  merger: ClusterMerger;
  clusterName: string;
  opts: ClusterCliOptions;
  missed: NotScannedNode[];
  /** Node scans to save, with --save. */
  saves: ScanToSave[];
}

/** A node that could not be scanned: into the report, and kept for the message if none was. */
function notScanned(run: Run, node: NotScannedNode): void {
  run.missed.push(node);
  run.merger.notScanned(node);
}

/**
 * When not one node could be scanned there is nothing to judge, and a report of every control
 * in error would hide the one thing to say: why each node was not reached. Nodes are grouped by
 * reason, so a thousand nodes behind one firewall make one line.
 */
export function noNodeScanned(missed: readonly NotScannedNode[], from: string): InputError {
  const byReason = new Map<string, string[]>();
  for (const m of missed) {
    const names = byReason.get(m.reason);
    if (names === undefined) byReason.set(m.reason, [m.name]);
    else names.push(m.name);
  }
  // One line (messages are: main.ts escapes control characters), one part per reason.
  const parts = [...byReason].map(
    ([reason, names]) => `${nameList(names, names.length, 10)}: ${reason}`,
  );
  return new InputError(
    `no node of ${from} could be scanned, so nothing was judged and no report written. ${parts.join('. ')}`,
  );
}

/** Evaluates one node, applies the waivers, merges it, and queues it for --save. */
function addNode(run: Run, evidence: Evidence, source: string): NodeReport {
  let report: NodeReport = {
    rkecisVersion: VERSION,
    ...(run.generatedAt !== undefined ? { generatedAt: run.generatedAt } : {}),
    ...evaluate(run.profile, evidence),
  };
  if (run.waivers !== undefined) report = applyWaivers(report, run.waivers, run.today);
  run.merger.add(report, source);
  if (wantsSave(run.opts)) run.saves.push({ report, evidence, cluster: run.clusterName });
  return report;
}

function progress(done: number, total: number, text: string): void {
  if (process.stderr.isTTY) say(`[${done}/${total}] ${text}`);
}

/** Runs `rkecis cluster` and returns its exit code (README: Whole clusters). */
export async function runCluster(opts: ClusterCliOptions): Promise<number> {
  const env = process.env;
  if (opts.config === undefined && opts.bundles === undefined) {
    throw new InputError(
      'rkecis cluster needs --config cluster.yml (scan the nodes over SSH) or --bundles DIR (merge node bundles)',
    );
  }
  // Everything the user gave is checked before any node is contacted.
  const extra = parseExtraOutputs(opts.out ?? [], opts.output);
  const profile = await openProfile(opts.profile);
  const waivers = opts.waivers !== undefined ? loadWaivers(opts.waivers, profile) : undefined;
  const timeoutMs = deadlineMs('--timeout', opts.timeout, 3600);
  const nodeTimeoutMs = deadlineMs('--node-timeout', opts.nodeTimeout, 86_400);
  const concurrency = count('--concurrency', opts.concurrency);
  const cluster =
    opts.config !== undefined ? loadClusterYml(opts.config, { versionDefaults: false }) : undefined;
  const sourcePath = resolve(opts.bundles ?? (opts.config as string));
  const clusterName =
    opts.clusterName ??
    cluster?.config.cluster_name ??
    (cluster !== undefined
      ? basename(cluster.file, extname(cluster.file))
      : basename(resolve(opts.bundles as string)));
  const now = runDate(env);
  const run: Run = {
    profile,
    waivers,
    today: now.toISOString().slice(0, 10),
    generatedAt: opts.timestamp !== false ? now.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined,
    merger: createClusterMerger({ profile }),
    clusterName,
    opts,
    missed: [],
    saves: [],
  };
  const wantKube = evidenceRequirements(profile).kubernetes;

  let clusterKube: KubernetesEvidence | undefined;
  let clusterKubeFrom: string;
  let clusterKubeAt: string | undefined;
  if (opts.bundles !== undefined) {
    const declared = new Map<string, Role[]>(
      (cluster?.config.nodes ?? []).map((n) => [nodeName(n), n.role]),
    );
    const files = bundleFiles(opts.bundles);
    const seen = new Map<string, string>();
    let best: { k: KubernetesEvidence; quality: number; at: string; from: string } | undefined;
    let done = 0;
    for (const b of readBundles(files)) {
      done++;
      if ('problem' in b) {
        notScanned(run, {
          name: bundleLabel(b.file),
          roles: [],
          source: b.file,
          reason: b.problem,
        });
        progress(done, files.length, `${b.file}: NOT merged: ${b.problem}`);
        continue;
      }
      let ev = b.evidence;
      const first = seen.get(ev.node.name);
      if (first !== undefined) {
        throw new InputError(
          `${b.file}: node ${ev.node.name} already has a bundle (${first}); keep one bundle per node`,
        );
      }
      seen.set(ev.node.name, b.file);
      // As over SSH, a node is judged for the roles cluster.yml declares and those its
      // containers show; without cluster.yml, for the bundle's roles and its containers'.
      const roles = declared.get(ev.node.name);
      ev = {
        ...ev,
        roles: roles !== undefined ? declaredRoles(ev.containers, roles) : bundleRoles(ev),
      };
      const quality = kubernetesQuality(ev.kubernetes);
      const at = ev.collectedAt ?? '';
      if (
        ev.kubernetes !== undefined &&
        (best === undefined || quality > best.quality || (quality === best.quality && at > best.at))
      ) {
        best = { k: ev.kubernetes, quality, at, from: `bundle ${b.file} (node ${ev.node.name})` };
      }
      addNode(run, ev, b.file);
      progress(done, files.length, `${ev.node.name}: merged from ${b.file}`);
    }
    if (opts.kubeconfig !== undefined && wantKube.length > 0) {
      const source = findKubeconfig(opts.kubeconfig, env);
      const got = await collectKubernetes(source, wantKube, timeoutMs);
      clusterKube = got.evidence;
      clusterKubeFrom = describeSource(source, got.server);
      clusterKubeAt = new Date().toISOString();
    } else {
      clusterKube = best?.k;
      clusterKubeFrom = best?.from ?? 'none of the bundles holds Kubernetes objects';
      clusterKubeAt = best?.at !== '' ? best?.at : undefined;
    }
  } else {
    const loaded = cluster as LoadedCluster;
    const { nodes: targets, bastion } = clusterTargets(loaded, env);
    const passphrase = readPassphrase(opts.sshPassphraseFile, env);
    const hostKeys = {
      knownHosts:
        opts.insecureIgnoreHostKey === true ? undefined : loadKnownHosts(opts.knownHosts, env),
    };
    if (wantKube.length > 0) {
      const source = kubeSourceFor(opts, loaded, env);
      const got = await collectKubernetes(source, wantKube, timeoutMs);
      clusterKube = got.evidence;
      clusterKubeFrom = describeSource(source, got.server);
    } else {
      clusterKubeFrom = 'not queried (the profile lists no Kubernetes resources)';
    }
    clusterKubeAt = new Date().toISOString();
    let done = 0;
    const total = targets.length;
    await scanNodes(
      targets,
      {
        profile,
        hostKeys,
        concurrency,
        timeoutMs,
        nodeTimeoutMs,
        kubernetesNote: `listed once for the cluster: ${clusterKubeFrom}`,
        ...(bastion !== undefined ? { bastion } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
      },
      (outcome) => {
        done++;
        const { target } = outcome;
        const where = `${target.ssh.host}:${target.ssh.port}`;
        if ('reason' in outcome) {
          notScanned(run, {
            name: target.name,
            roles: target.roles,
            source: where,
            reason: outcome.reason,
          });
          progress(done, total, `${target.name}: NOT scanned: ${outcome.reason}`);
          return;
        }
        // Each node's own report carries the cluster's objects, as `rkecis scan --kubeconfig` would.
        const ev: Evidence =
          clusterKube !== undefined
            ? { ...outcome.evidence, kubernetes: clusterKube }
            : outcome.evidence;
        const report = addNode(run, ev, where);
        progress(
          done,
          total,
          `${target.name}: scanned (${report.node.roles.join(', ') || 'no role'}): ${report.summary.fail} fail, ${report.summary.error} error`,
        );
      },
    );
  }

  if (run.merger.nodeCount === 0) {
    throw noNodeScanned(
      run.missed,
      opts.bundles !== undefined ? `--bundles ${opts.bundles}` : (cluster as LoadedCluster).file,
    );
  }
  let scope = evaluateClusterScope(profile, clusterName, clusterKube, clusterKubeAt);
  if (waivers !== undefined) scope = applyWaivers(scope, waivers, run.today);
  run.merger.addCluster(scope, clusterKubeFrom);

  const report = run.merger.finish({
    cluster: { name: clusterName, source: sourcePath },
    ...(cluster !== undefined
      ? {
          expected: {
            from: cluster.file,
            nodes: cluster.config.nodes.map((n) => ({
              name: nodeName(n),
              roles: n.role,
              source: `${n.address}:${n.port ?? 22}`,
            })),
          },
        }
      : {}),
    rkecisVersion: VERSION,
    ...(run.generatedAt !== undefined ? { generatedAt: run.generatedAt } : {}),
  });
  await withSaving(opts, run.saves, () => writeReport(report, opts, extra));

  const cov = report.coverage;
  if (!cov.complete) {
    say(
      `${cov.notScanned.length} of ${cov.expected} nodes not scanned: ${nameList(
        cov.notScanned.map((n) => n.name),
        cov.notScanned.length,
        10,
      )}; the report is partial${opts.allowPartial === true ? ' (--allow-partial)' : ' (exit 1; --allow-partial judges the nodes reached)'}`,
    );
  }
  if (!cov.complete && opts.allowPartial !== true) return EXIT.notCompliant;
  return clusterNotCompliant(report) ? EXIT.notCompliant : EXIT.compliant;
}

async function writeReport(
  report: ClusterReport,
  opts: ClusterCliOptions,
  extra: ReturnType<typeof parseExtraOutputs>,
): Promise<void> {
  const paint = wantColour(process.stdout, opts.output) ? colours : plain;
  const verbose = opts.verbose === true;
  const width = textWidth(process.stdout, opts.output);
  // Cluster formatters are generators: each output is rendered as it is written, never whole.
  const outputs: Output[] = [
    {
      path: opts.output,
      content: (await loadClusterFormatter(opts.format))(report, { paint, verbose, width }),
    },
  ];
  for (const o of extra) {
    const format = await loadClusterFormatter(o.format);
    outputs.push({ path: o.path, content: format(report, { paint: plain, verbose }) });
  }
  await writeOutputs(outputs);
}
