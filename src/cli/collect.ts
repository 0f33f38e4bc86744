import type { Command } from 'commander';
import { DEFAULT_DOCKER_HOST } from '../collect/docker.js';
import { parseRoles } from '../collect/roles.js';
import type { Evidence } from '../evidence/schema.js';
import { DEFAULT_PROFILE, openProfile } from '../profiles/open.js';
import { EXIT, InputError } from './errors.js';
import { emit } from './output.js';

export interface CollectCliOptions {
  dockerHost?: string;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  root: string;
  kubeconfig?: string;
  role?: string;
  nodeName?: string;
  timeout: string;
}

/** The options every command that reads a live node shares (collect, scan). */
export function addCollectOptions(cmd: Command): Command {
  return cmd
    .option(
      '--docker-host <url>',
      `Docker Engine to inspect (default: $DOCKER_HOST, else ${DEFAULT_DOCKER_HOST})`,
    )
    .option(
      '--tlsverify',
      'TLS to a tcp:// Docker host, verifying its certificate (default: on when $DOCKER_TLS_VERIFY is set)',
    )
    .option(
      '--tlscacert <file>',
      'CA of the engine (default: ca.pem in $DOCKER_CERT_PATH or ~/.docker)',
    )
    .option('--tlscert <file>', 'client certificate (default: cert.pem there, when present)')
    .option(
      '--tlskey <file>',
      'key of the client certificate (default: key.pem there, when present)',
    )
    .option(
      '--root <dir>',
      "where the node's filesystem is mounted (e.g. /host in a container)",
      '/',
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig for the cluster (default: $KUBECONFIG, ~/.kube/config, in-cluster)',
    )
    .option(
      '--role <roles>',
      'node roles, comma-separated (controlplane,etcd,worker); default: detected from containers',
    )
    .option(
      '--node-name <name>',
      "the node's name in the report: its Kubernetes node name (default: its /etc/hostname)",
    )
    .option('--timeout <seconds>', 'deadline of each Docker or Kubernetes request', '10');
}

/** Collects a node's evidence for a profile as the command line asks. */
export async function collectFromOptions(
  profileName: string,
  opts: CollectCliOptions,
): Promise<Evidence> {
  const seconds = Number(opts.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new InputError(
      `--timeout ${JSON.stringify(opts.timeout)}: expected a number of seconds between 0 and 3600`,
    );
  }
  const profile = await openProfile(profileName);
  const roles = opts.role !== undefined ? parseRoles(opts.role) : undefined;
  // The collectors (and the YAML parser they redact with) load when a node is read.
  const { collect } = await import('../collect/collect.js');
  return collect({
    profile,
    root: opts.root,
    timeoutMs: seconds * 1000,
    ...(opts.dockerHost !== undefined ? { dockerHost: opts.dockerHost } : {}),
    dockerTls: {
      ...(opts.tlsverify === true ? { tlsverify: true } : {}),
      ...(opts.tlscacert !== undefined ? { tlscacert: opts.tlscacert } : {}),
      ...(opts.tlscert !== undefined ? { tlscert: opts.tlscert } : {}),
      ...(opts.tlskey !== undefined ? { tlskey: opts.tlskey } : {}),
    },
    ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
    ...(roles !== undefined ? { roles } : {}),
    ...(opts.nodeName !== undefined ? { nodeName: opts.nodeName } : {}),
  });
}

export function register(program: Command, done: (code: number) => void): void {
  addCollectOptions(
    program
      .command('collect')
      .description(
        "gather this node's evidence (containers, files, Kubernetes objects) into a bundle for `rkecis evaluate`",
      ),
  )
    .option(
      '--profile <name>',
      'built-in profile name or profile folder whose evidence to gather',
      DEFAULT_PROFILE,
    )
    .option('--output <file>', 'write the bundle to a file (atomically) instead of stdout')
    .action(async (opts: CollectCliOptions & { profile: string; output?: string }) => {
      const evidence = await collectFromOptions(opts.profile, opts);
      await emit(JSON.stringify(evidence, null, 2), opts.output);
      done(EXIT.compliant);
    });
}
