import { InputError } from '../base/errors.js';
import type { ContainerEvidence } from '../evidence/schema.js';
import { chooseProfile, namedChoice, type VersionSighting } from '../profiles/choice.js';
import { imageVersion, KUBERNETES_COMPONENTS } from '../profiles/kubernetes-version.js';
import { listProfiles } from '../profiles/open.js';
import type { ProfileChoiceInfo } from '../report/types.js';

/**
 * The profile a run judges by: the one `--profile` names, else the one the choice table gives the
 * Kubernetes version the node shows (src/profiles/choice.ts; README: Which profile). A version
 * that cannot be read, that no profile covers, that calls for a profile this build lacks, or
 * two that call for different profiles are bad input (exit 2), never a fallback.
 */
export interface Chosen {
  name: string;
  choice: ProfileChoiceInfo;
}

/** What a node shows of its version: its components' containers, and the API server's answer. */
export interface NodeVersions {
  containers: Readonly<Record<string, ContainerEvidence | undefined>>;
  api: { version: string; from: string } | { problem: string };
}

/** The places a node shows its version, one per distinct image; and why none, when none. */
export function nodeSightings(node: NodeVersions): {
  sightings: VersionSighting[];
  nothing: string;
} {
  const sightings: VersionSighting[] = [];
  if ('version' in node.api)
    sightings.push({ text: node.api.version, from: node.api.from, authority: 'api-server' });
  const byImage = new Map<string, { names: string[]; tag: string | undefined }>();
  const none: string[] = [];
  for (const name of KUBERNETES_COMPONENTS) {
    const c = Object.hasOwn(node.containers, name) ? node.containers[name] : undefined;
    if (c?.status !== 'present') {
      none.push(`${name} ${c === undefined || c.status === 'absent' ? 'absent' : 'not inspected'}`);
      continue;
    }
    const seen = imageVersion(c.image);
    if (seen.kind === 'none') {
      none.push(
        `${name}'s image ${JSON.stringify(c.image.slice(0, 80))} is not a Kubernetes image`,
      );
      continue;
    }
    const group = byImage.get(c.image);
    if (group === undefined) byImage.set(c.image, { names: [name], tag: seen.tag });
    else group.names.push(name);
  }
  for (const [image, { names, tag }] of byImage) {
    sightings.push({
      text: tag ?? '',
      from: `the image tag of ${names.join(', ')} (${image.slice(0, 120)}${tag === undefined ? ': no tag' : ''})`,
      authority: 'other',
    });
  }
  const api =
    'problem' in node.api ? `the API server's version could not be read (${node.api.problem})` : '';
  return {
    sightings,
    nothing: `${api}${api !== '' ? ', and ' : ''}no Kubernetes component's image shows one (${none.join('; ')})`,
  };
}

/** The profile `--profile` names, or the one the node's versions call for. */
export function choose(
  named: string | undefined,
  sightings: () => { sightings: VersionSighting[]; nothing: string },
): Chosen {
  if (named !== undefined) return { name: named, choice: { reason: namedChoice(named).reason } };
  const seen = sightings();
  const outcome = chooseProfile(seen.sightings, listProfiles(), seen.nothing);
  if (!outcome.ok) throw new InputError(outcome.problem);
  return {
    name: outcome.choice.profile,
    choice: { reason: outcome.choice.reason, version: outcome.choice.version },
  };
}

/** The profile for a bundle: `--profile`, else the versions its evidence recorded. */
export function chooseForEvidence(
  named: string | undefined,
  evidence: {
    containers: Readonly<Record<string, ContainerEvidence | undefined>>;
    kubernetes?: { version?: string | undefined } | undefined;
  },
): Chosen {
  return choose(named, () =>
    nodeSightings({
      containers: evidence.containers,
      api:
        evidence.kubernetes?.version !== undefined
          ? {
              version: evidence.kubernetes.version,
              from: 'the API server (as the bundle recorded it)',
            }
          : { problem: 'the bundle holds none' },
    }),
  );
}
