import { InputError } from '../base/errors.js';
import { bundleLabel, readBundles } from '../cluster/bundles.js';
import { readServerVersion, type KubeSource } from '../collect/kubernetes.js';
import type { Evidence } from '../evidence/schema.js';
import { chooseProfile, namedChoice, type VersionSighting } from '../profiles/choice.js';
import {
  imageVersion,
  KUBERNETES_COMPONENTS,
  parseKubernetesVersion,
  releaseOf,
} from '../profiles/kubernetes-version.js';
import { listProfiles } from '../profiles/open.js';
import type { NotScannedNode, ProfileChoiceInfo } from '../report/types.js';
import type { LoadedCluster } from '../rke/cluster-yml.js';
import { nodeSightings, type Chosen } from './profile-choice.js';

/**
 * One profile per cluster (README: Which profile): `--profile`, else the version the API server
 * reports, what cluster.yml deploys (`kubernetes_version`, `system_images.kubernetes`) and, for
 * bundles, what each bundle shows; all of them must call for one profile. The nodes' own versions
 * are stated in the report afterwards (`nodeVersions`).
 */
export async function chooseForCluster(input: {
  named: string | undefined;
  cluster: LoadedCluster | undefined;
  /** The kubeconfig whose API server is asked, when there is one to ask. */
  kube: KubeSource | undefined;
  /** Bundle files, read once more for their versions before they are judged. */
  bundles: readonly string[] | undefined;
  timeoutMs: number;
  /** The error when not one bundle can be read: nothing to judge, whatever the profile. */
  noBundle: (missed: NotScannedNode[]) => Error;
}): Promise<Chosen> {
  if (input.named !== undefined)
    return { name: input.named, choice: { reason: namedChoice(input.named).reason } };
  const sightings: VersionSighting[] = [];
  const nothing: string[] = [];
  if (input.kube !== undefined) {
    const api = await readServerVersion(input.kube, input.timeoutMs);
    if ('version' in api)
      sightings.push({
        text: api.version,
        from: `the API server (${api.server})`,
        authority: 'api-server',
      });
    else nothing.push(`the API server's version could not be read (${api.problem})`);
  } else nothing.push('no kubeconfig was given to ask the API server');
  const config = input.cluster?.config;
  if (config?.kubernetes_version != null)
    sightings.push({
      text: config.kubernetes_version,
      from: `kubernetes_version of ${input.cluster?.file ?? 'cluster.yml'}`,
      authority: 'other',
    });
  const image = config?.system_images?.kubernetes;
  if (image != null) {
    const seen = imageVersion(image);
    if (seen.kind === 'kubernetes')
      sightings.push({
        text: seen.tag ?? '',
        from: `system_images.kubernetes of ${input.cluster?.file ?? 'cluster.yml'} (${image})`,
        authority: 'other',
      });
  }
  if (input.cluster !== undefined && config?.kubernetes_version == null && image == null)
    nothing.push(
      `${input.cluster.file} sets neither kubernetes_version nor system_images.kubernetes`,
    );
  if (input.bundles !== undefined) {
    const byText = new Map<string, { from: string[]; api: boolean }>();
    const missed: NotScannedNode[] = [];
    for (const b of readBundles(input.bundles)) {
      // An unreadable bundle is reported as a node not merged when the bundles are judged.
      if ('problem' in b) {
        missed.push({ name: bundleLabel(b.file), roles: [], source: b.file, reason: b.problem });
        continue;
      }
      for (const s of bundleSightings(b.evidence)) {
        const at = byText.get(s.text) ?? { from: [], api: false };
        at.from.push(b.evidence.node.name);
        at.api ||= s.authority === 'api-server';
        byText.set(s.text, at);
      }
    }
    for (const [text, at] of byText)
      sightings.push({
        text,
        from: `the bundle${at.from.length === 1 ? '' : 's'} of ${shortList(at.from)}${at.api ? ' (their API server)' : ''}`,
        authority: 'other',
      });
    if (missed.length === input.bundles.length) throw input.noBundle(missed);
    if (byText.size === 0) nothing.push('no bundle shows a version');
  }
  const outcome = chooseProfile(sightings, listProfiles(), nothing.join('; '));
  if (!outcome.ok)
    throw new InputError(outcome.problem.replace('the node shows', 'the cluster shows'));
  return {
    name: outcome.choice.profile,
    choice: {
      reason: outcome.choice.reason.replace('the node also shows', 'the cluster also shows'),
      version: outcome.choice.version,
    },
  };
}

function bundleSightings(evidence: Evidence): VersionSighting[] {
  return nodeSightings({
    containers: evidence.containers,
    api:
      evidence.kubernetes?.version !== undefined
        ? { version: evidence.kubernetes.version, from: 'the API server' }
        : { problem: 'none' },
  }).sightings;
}

const shortList = (names: readonly string[]): string =>
  names.length <= 5
    ? names.join(', ')
    : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;

/**
 * The nodes by the Kubernetes version their own components' images show (the API server's is the
 * cluster's, not the node's): stated in the report when they do not all show one.
 */
export function createNodeVersions(): {
  add: (node: string, evidence: Evidence) => void;
  finish: (choice: ProfileChoiceInfo) => ProfileChoiceInfo;
} {
  const byVersion = new Map<string, string[]>();
  return {
    add(node, evidence) {
      const seen = new Set<string>();
      for (const name of KUBERNETES_COMPONENTS) {
        const c = Object.hasOwn(evidence.containers, name) ? evidence.containers[name] : undefined;
        if (c?.status !== 'present') continue;
        const v = imageVersion(c.image);
        if (v.kind !== 'kubernetes') continue;
        seen.add(
          v.version !== undefined ? releaseOf(v.version) : `${v.tag ?? 'no tag'} (not a version)`,
        );
      }
      if (seen.size === 0) seen.add('not shown');
      for (const version of seen) {
        const nodes = byVersion.get(version);
        if (nodes === undefined) byVersion.set(version, [node]);
        else nodes.push(node);
      }
    },
    finish(choice) {
      const chosen = choice.version;
      const versions = [...byVersion]
        .map(([version, nodes]) => ({ version, nodes: [...nodes].sort() }))
        .sort((a, b) => compareVersions(a.version, b.version));
      const differ =
        versions.length > 1 || (chosen !== undefined && versions.some((v) => v.version !== chosen));
      if (!differ) return choice;
      const said = versions.map((v) => `${v.version} (${shortList(v.nodes)})`).join(', ');
      return {
        ...choice,
        reason: `${choice.reason}. The nodes' components show different versions: ${said}`,
        nodeVersions: versions,
      };
    },
  };
}

function compareVersions(a: string, b: string): number {
  const va = parseKubernetesVersion(a);
  const vb = parseKubernetesVersion(b);
  if (va === undefined || vb === undefined)
    return va !== undefined ? -1 : vb !== undefined ? 1 : a.localeCompare(b);
  return va.major - vb.major || va.minor - vb.minor || va.patch - vb.patch;
}
