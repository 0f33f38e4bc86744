import { basename, extname, resolve } from 'node:path';
import { EXIT, InputError } from '../base/errors.js';
import { clusterBundles, bundleFiles, type NodeOutcome } from '../cluster/bundles.js';
import { evaluateClusterScope, type KubernetesEvidence } from '../cluster/cluster-scope.js';
import { clusterNotCompliant, createClusterMerger, nameList } from '../cluster/merge.js';
import { readPassphrase } from '../cluster/passphrase.js';
import { scanNodes } from '../cluster/ssh-scan.js';
import { clusterKubeSource, clusterTargets } from '../cluster/targets.js';
import { collectKubernetes, describeSource, findKubeconfig } from '../collect/kubernetes.js';
import { loadKnownHosts } from '../collect/ssh/known-hosts.js';
import { evidenceRequirements } from '../engine/requirements.js';
import type { Evidence, Role } from '../evidence/schema.js';
import type { NodeReport, NotScannedNode } from '../report/types.js';
import { loadClusterYml, nodeName, type LoadedCluster } from '../rke/cluster-yml.js';
import type { ReportOptions } from './report-output.js';
import { chooseForCluster, createNodeVersions } from './cluster-choice.js';
import { startReportRun, writeReport } from './report-run.js';
import { wantsSave, type ScanToSave } from './save.js';
import { say } from './say.js';
import { deadlineMs } from './seconds.js';

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

function progress(done: number, total: number, text: string): void {
  if (process.stderr.isTTY) say(`[${done}/${total}] ${text}`);
}

/** The cluster's Kubernetes objects, for its cluster-scoped controls, and where they came from. */
interface ClusterKubernetes {
  evidence: KubernetesEvidence | undefined;
  from: string;
  collectedAt: string | undefined;
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
  const timeoutMs = deadlineMs('--timeout', opts.timeout, 3600);
  const nodeTimeoutMs = deadlineMs('--node-timeout', opts.nodeTimeout, 86_400);
  const concurrency = count('--concurrency', opts.concurrency);
  const cluster =
    opts.config !== undefined ? loadClusterYml(opts.config, { versionDefaults: false }) : undefined;
  const files = opts.bundles !== undefined ? bundleFiles(opts.bundles) : undefined;
  // The SSH inputs (keys, certificates, passphrase, known_hosts) are read before anything is asked.
  const ssh =
    files === undefined
      ? {
          ...clusterTargets(cluster as LoadedCluster, env),
          passphrase: readPassphrase(opts.sshPassphraseFile, env),
          hostKeys: {
            knownHosts:
              opts.insecureIgnoreHostKey === true
                ? undefined
                : loadKnownHosts(opts.knownHosts, env),
          },
        }
      : undefined;
  const chosen = await chooseForCluster({
    named: opts.profile,
    cluster,
    kube:
      files === undefined
        ? clusterKubeSource(opts.kubeconfig, cluster, env)
        : opts.kubeconfig !== undefined
          ? findKubeconfig(opts.kubeconfig, env)
          : undefined,
    bundles: files,
    timeoutMs,
    noBundle: (missed) => noNodeScanned(missed, `--bundles ${opts.bundles ?? ''}`),
  });
  const run = await startReportRun(opts, chosen);
  const versions = createNodeVersions();
  const clusterName =
    opts.clusterName ??
    cluster?.config.cluster_name ??
    (cluster !== undefined
      ? basename(cluster.file, extname(cluster.file))
      : basename(resolve(opts.bundles as string)));
  const merger = createClusterMerger({ profile: run.profile });
  const missed: NotScannedNode[] = [];
  const saves: ScanToSave[] = [];
  const wantKube = evidenceRequirements(run.profile).kubernetes;

  /** One node as its source gave it: judged and merged, or listed as not scanned. */
  const add = (outcome: NodeOutcome): NodeReport | undefined => {
    if ('notScanned' in outcome) {
      missed.push(outcome.notScanned);
      merger.notScanned(outcome.notScanned);
      return undefined;
    }
    const report = run.judge(outcome.evidence);
    versions.add(report.node.name, outcome.evidence);
    merger.add(report, outcome.source);
    if (wantsSave(opts)) saves.push({ report, evidence: outcome.evidence, cluster: clusterName });
    return report;
  };

  let kube: ClusterKubernetes;
  if (files !== undefined) {
    const declared = new Map<string, Role[]>(
      (cluster?.config.nodes ?? []).map((n) => [nodeName(n), n.role]),
    );
    const bundles = clusterBundles(files, declared);
    let done = 0;
    for (const outcome of bundles.nodes) {
      done++;
      add(outcome);
      progress(
        done,
        files.length,
        'notScanned' in outcome
          ? `${outcome.source}: NOT merged: ${outcome.notScanned.reason}`
          : `${outcome.evidence.node.name}: merged from ${outcome.source}`,
      );
    }
    if (opts.kubeconfig !== undefined && wantKube.length > 0) {
      const source = findKubeconfig(opts.kubeconfig, env);
      const got = await collectKubernetes(source, wantKube, timeoutMs);
      kube = {
        evidence: got.evidence,
        from: describeSource(source, got.server),
        collectedAt: new Date().toISOString(),
      };
    } else {
      const best = bundles.kubernetes();
      kube = {
        evidence: best?.evidence,
        from: best?.from ?? 'none of the bundles holds Kubernetes objects',
        collectedAt: best?.collectedAt,
      };
    }
  } else {
    const loaded = cluster as LoadedCluster;
    const { nodes: targets, bastion, passphrase, hostKeys } = ssh as NonNullable<typeof ssh>;
    kube = { evidence: undefined, from: '', collectedAt: undefined };
    if (wantKube.length > 0) {
      const source = clusterKubeSource(opts.kubeconfig, loaded, env);
      const got = await collectKubernetes(source, wantKube, timeoutMs);
      kube.evidence = got.evidence;
      kube.from = describeSource(source, got.server);
    } else {
      kube.from = 'not queried (the profile lists no Kubernetes resources)';
    }
    kube.collectedAt = new Date().toISOString();
    let done = 0;
    const total = targets.length;
    await scanNodes(
      targets,
      {
        profile: run.profile,
        hostKeys,
        concurrency,
        timeoutMs,
        nodeTimeoutMs,
        kubernetesNote: `listed once for the cluster: ${kube.from}`,
        ...(bastion !== undefined ? { bastion } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
      },
      (outcome) => {
        done++;
        const { target } = outcome;
        const where = `${target.ssh.host}:${target.ssh.port}`;
        if ('reason' in outcome) {
          const notScanned = {
            name: target.name,
            roles: target.roles,
            source: where,
            reason: outcome.reason,
          };
          add({ source: where, notScanned });
          progress(done, total, `${target.name}: NOT scanned: ${outcome.reason}`);
          return;
        }
        // Each node's own report carries the cluster's objects, as `rkecis scan --kubeconfig` would.
        const ev: Evidence =
          kube.evidence !== undefined
            ? { ...outcome.evidence, kubernetes: kube.evidence }
            : outcome.evidence;
        const report = add({ source: where, evidence: ev }) as NodeReport;
        progress(
          done,
          total,
          `${target.name}: scanned (${report.node.roles.join(', ') || 'no role'}): ${report.summary.fail} fail, ${report.summary.error} error`,
        );
      },
    );
  }

  if (merger.nodeCount === 0) {
    throw noNodeScanned(
      missed,
      opts.bundles !== undefined ? `--bundles ${opts.bundles}` : (cluster as LoadedCluster).file,
    );
  }
  const scope = evaluateClusterScope(run.profile, clusterName, kube.evidence, kube.collectedAt);
  merger.addCluster(run.waive(scope), kube.from);

  const merged = merger.finish({
    cluster: { name: clusterName, source: resolve(opts.bundles ?? (opts.config as string)) },
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
    ...run.stamp,
  });
  const report = {
    ...merged,
    profile: { ...merged.profile, choice: versions.finish(run.choice) },
  };
  await writeReport(run, opts, report, saves);

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
