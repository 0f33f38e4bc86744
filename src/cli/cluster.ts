import type { Command } from 'commander';
import type { ClusterCliOptions } from './cluster-run.js';
import { addReportOptions } from './report-output.js';

/** `rkecis cluster`: every node of a cluster, over SSH from cluster.yml or from bundles, in one report. */
export function register(program: Command, done: (code: number) => void): void {
  addReportOptions(
    program
      .command('cluster')
      .description(
        'scan every node of an RKE cluster over SSH (from cluster.yml), or merge node bundles, into one cluster report',
      )
      .option(
        '--config <cluster.yml>',
        "RKE's cluster.yml: the nodes to scan over SSH, and how to reach them",
      )
      .option(
        '--bundles <dir>',
        'merge the node bundles (*.json from rkecis collect) in this folder instead of connecting to nodes; with --config, coverage is checked against cluster.yml',
      )
      .option('--concurrency <n>', 'nodes scanned at once', '10')
      .option(
        '--timeout <seconds>',
        'deadline of each SSH handshake, Docker or Kubernetes request',
        '10',
      )
      .option(
        '--node-timeout <seconds>',
        'deadline of a whole node, first connection to last file',
        '120',
      )
      .option(
        '--known-hosts <file>',
        "known_hosts file the nodes' host keys are checked against (default ~/.ssh/known_hosts)",
      )
      .option(
        '--ssh-passphrase-file <file>',
        'file whose first line is the passphrase of encrypted SSH keys (else $RKECIS_SSH_PASSPHRASE; never on the command line)',
      )
      .option(
        '--insecure-ignore-host-key',
        'accept any host key (as RKE itself does): no protection against a man in the middle',
      )
      .option(
        '--kubeconfig <file>',
        'kubeconfig for the cluster-scoped 1.7.x controls (default: kube_config_<cluster.yml> beside it, then $KUBECONFIG, ~/.kube/config)',
      )
      .option(
        '--cluster-name <name>',
        'name of the cluster in the report (default: cluster_name of cluster.yml, else the file or folder name)',
      )
      .option(
        '--allow-partial',
        'a scan that missed nodes is judged on the nodes it reached (otherwise it exits 1)',
      ),
  ).action(async (opts: ClusterCliOptions) => {
    // Loaded when the command runs: ssh2, the engine and the formatters are not needed for --help.
    const { runCluster } = await import('./cluster-run.js');
    done(await runCluster(opts));
  });
}
