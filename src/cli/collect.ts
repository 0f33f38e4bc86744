import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_DOCKER_HOST, type DockerTlsOptions } from '../collect/docker.js';
import { parseRoles } from '../collect/roles.js';
import type { Evidence } from '../evidence/schema.js';
import { openProfile } from '../profiles/open.js';
import { EXIT, InputError } from '../base/errors.js';
import { oneLine } from '../text/visible.js';
import { emit } from './output.js';
import { choose, nodeSightings, type Chosen } from './profile-choice.js';
import { deadlineMs } from './seconds.js';

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

/**
 * The profile to collect and judge a live node by: `--profile`, else the one its Kubernetes
 * version calls for, read from the API server's /version and the component images first.
 */
export async function chooseForNode(
  named: string | undefined,
  opts: CollectCliOptions,
): Promise<Chosen> {
  if (named !== undefined) return choose(named, () => ({ sightings: [], nothing: '' }));
  // The options are checked before the node is asked anything, as a scan checks them.
  const timeoutMs = deadlineMs('--timeout', opts.timeout, 3600);
  if (opts.role !== undefined) parseRoles(opts.role);
  const { checkRoot } = await import('../collect/collect.js');
  await checkRoot(resolve(opts.root));
  const { probeVersions } = await import('../collect/version-probe.js');
  const probe = await probeVersions({
    timeoutMs,
    ...(opts.dockerHost !== undefined ? { dockerHost: opts.dockerHost } : {}),
    dockerTls: dockerTlsOf(opts),
    ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
  });
  // No Kubernetes container at all: not an RKE node (or the wrong engine), said as a scan says it.
  const names = Object.keys(probe.containers);
  if (
    opts.role === undefined &&
    !('version' in probe.api) &&
    names.every((n) => probe.containers[n]?.status === 'absent')
  ) {
    refuseNonRkeNode({
      containers: probe.containers,
      collector: { dockerHost: probe.dockerHost },
    });
  }
  return choose(undefined, () =>
    nodeSightings({
      containers: probe.containers,
      api:
        'version' in probe.api
          ? { version: probe.api.version, from: `the API server (${probe.api.server})` }
          : probe.api,
    }),
  );
}

const dockerTlsOf = (opts: CollectCliOptions): DockerTlsOptions => ({
  ...(opts.tlsverify === true ? { tlsverify: true } : {}),
  ...(opts.tlscacert !== undefined ? { tlscacert: opts.tlscacert } : {}),
  ...(opts.tlscert !== undefined ? { tlscert: opts.tlscert } : {}),
  ...(opts.tlskey !== undefined ? { tlskey: opts.tlskey } : {}),
});

/** Collects a node's evidence for a profile as the command line asks. */
export async function collectFromOptions(
  profileName: string,
  opts: CollectCliOptions,
): Promise<Evidence> {
  const timeoutMs = deadlineMs('--timeout', opts.timeout, 3600);
  const profile = await openProfile(profileName);
  const roles = opts.role !== undefined ? parseRoles(opts.role) : undefined;
  // The collectors (and the YAML parser they redact with) load when a node is read.
  const { collect, unnamedRoot } = await import('../collect/collect.js');
  const options = {
    profile,
    root: opts.root,
    timeoutMs,
    ...(opts.dockerHost !== undefined ? { dockerHost: opts.dockerHost } : {}),
    dockerTls: dockerTlsOf(opts),
    ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
    ...(roles !== undefined ? { roles } : {}),
    ...(opts.nodeName !== undefined ? { nodeName: opts.nodeName } : {}),
  };
  const evidence = await collect(options);
  if (roles === undefined) refuseNonRkeNode(evidence);
  const note = unnamedRoot(evidence, options);
  if (note !== undefined) process.stderr.write(`rkecis: ${oneLine(note)}\n`);
  return evidence;
}

/**
 * An engine with none of the RKE containers the profile reads (every one "No such container"):
 * not an RKE node, or the wrong Docker engine. Nothing of the node can be judged, and a report
 * of no controls would only say "not compliant" without saying why, so it is bad input: exit 2
 * with the reason. `--role` judges the node as given all the same (its controls then err).
 */
export function refuseNonRkeNode(
  evidence: Pick<Evidence, 'containers'> & { collector?: { dockerHost?: string } | undefined },
): void {
  const names = Object.keys(evidence.containers);
  if (names.length === 0 || names.some((n) => evidence.containers[n]?.status !== 'absent')) return;
  throw new InputError(
    `no RKE container on the Docker engine ${evidence.collector?.dockerHost ?? ''}: none of ${names.join(', ')} exists, so nothing of this node can be judged (is this an RKE node, and that its Docker engine? --docker-host names another; --role judges the node as that role all the same)`,
  );
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
      "built-in profile name or profile folder whose evidence to gather (default: chosen from the node's Kubernetes version; rkecis profiles lists them)",
    )
    .option('--output <file>', 'write the bundle to a file (atomically) instead of stdout')
    .action(async (opts: CollectCliOptions & { profile?: string; output?: string }) => {
      const chosen = await chooseForNode(opts.profile, opts);
      const evidence = await collectFromOptions(chosen.name, opts);
      await emit(JSON.stringify(evidence, null, 2), opts.output);
      done(EXIT.compliant);
    });
}
