import { parseKubernetesVersion, releaseOf, type KubernetesVersion } from './kubernetes-version.js';

/**
 * Which built-in profile judges a node of a Kubernetes version, when `--profile` names none
 * (README: "Which profile"). Rancher's RKE1 guides overlap: CIS 1.4.1 (v2.3, v2.3.3) and CIS 1.5
 * (v2.3.5 to v2.5) are both for 1.15, CIS 1.6 (v2.6) runs to 1.23 where CIS 1.20, 1.23 and 1.24
 * have their own. The rule: a minor version gets the newest CIS benchmark among the guides whose
 * stated range starts at or below it; minors between two guides (1.12, 1.14, 1.16, 1.17, 1.22)
 * stay with the guide before them. Outside 1.11 to 1.27 no guide exists, and nothing is guessed.
 */
export interface ChoiceRow {
  /** Kubernetes 1.min to 1.max, inclusive. */
  min: number;
  max: number;
  profile: string;
  /** The guides the profile is made from, and the Kubernetes versions they state. */
  guides: string;
  /** Why these minors get this profile. */
  why: string;
}

export const CHOICE_TABLE: readonly ChoiceRow[] = [
  {
    min: 11,
    max: 12,
    profile: 'rke-cis-1.3.0',
    guides: 'guide v2.1, Kubernetes 1.11',
    why: 'no guide was written for 1.12',
  },
  {
    min: 13,
    max: 14,
    profile: 'rke-cis-1.4.0',
    guides: 'guide v2.2, Kubernetes 1.13',
    why: 'no guide was written for 1.14',
  },
  {
    min: 15,
    max: 17,
    profile: 'rke-cis-1.5',
    guides: 'guides v2.3.5, v2.4 and v2.5, Kubernetes 1.15',
    why: "CIS 1.5 is the newest benchmark of 1.15's guides; CIS 1.4.1's (v2.3: 1.15, v2.3.3: 1.16) are rke-cis-1.4.1-v2.3 and rke-cis-1.4.1, by --profile only",
  },
  {
    min: 18,
    max: 18,
    profile: 'rke-cis-1.6',
    guides: 'guides v2.5.4 and v2.6, Kubernetes 1.18 (v2.6: to 1.23)',
    why: 'CIS 1.6 is the only benchmark of 1.18',
  },
  {
    min: 19,
    max: 22,
    profile: 'rke-cis-1.20',
    guides: 'guide v2.6 CIS 1.20, Kubernetes 1.19 to 1.21',
    why: 'CIS 1.20 is newer than CIS 1.6, whose v2.6 guide also covers these; no guide was written for 1.22',
  },
  {
    min: 23,
    max: 23,
    profile: 'rke-cis-1.23',
    guides: 'guide v2.7 CIS 1.23, Kubernetes 1.23',
    why: 'the guide of this version',
  },
  {
    min: 24,
    max: 24,
    profile: 'rke-cis-1.24',
    guides: 'guide v2.7 CIS 1.24, Kubernetes 1.24',
    why: 'the guide of this version',
  },
  {
    min: 25,
    max: 27,
    profile: 'rke-cis-1.7',
    guides: 'guide v2.7 CIS 1.7, Kubernetes 1.25 to 1.27',
    why: 'the guide of these versions; none was written for 1.28 or later',
  },
];

/** `1.15–1.17 → rke-cis-1.5` */
export const rowText = (r: ChoiceRow): string =>
  `${r.min === r.max ? `1.${r.min}` : `1.${r.min}–1.${r.max}`} → ${r.profile}`;

const tableText = (): string => CHOICE_TABLE.map(rowText).join(', ');

/** The row of a Kubernetes version, when one covers it. */
export function rowFor(v: KubernetesVersion): ChoiceRow | undefined {
  if (v.major !== 1) return undefined;
  return CHOICE_TABLE.find((r) => v.minor >= r.min && v.minor <= r.max);
}

/** One place a node (or cluster) shows its Kubernetes version. */
export interface VersionSighting {
  /** The version as it was read (`v1.15.12`, or an image tag). */
  text: string;
  /** Where: `the API server`, `the image of kubelet (rancher/hyperkube:v1.15.12-rancher2)`. */
  from: string;
  /** The API server's word outweighs the images' when the report names one version. */
  authority: 'api-server' | 'other';
}

/** The profile chosen, with the version it was chosen for and why, as the report states it. */
export interface ProfileChoice {
  profile: string;
  /** The Kubernetes version it was chosen for (`v1.15.12`). */
  version: string;
  /** One sentence for the report: the version, where it was read, the rule's row. */
  reason: string;
}

export type ChoiceOutcome = { ok: true; choice: ProfileChoice } | { ok: false; problem: string };

const MORE = 'name the profile with --profile';

/**
 * Picks the profile for what a node shows. `nothing` says why no version was seen (each source's
 * reason) when `sightings` is empty; `available` are the built-in profiles of this build.
 */
export function chooseProfile(
  sightings: readonly VersionSighting[],
  available: readonly string[],
  nothing = 'no version was found',
): ChoiceOutcome {
  if (sightings.length === 0) {
    return {
      ok: false,
      problem: `cannot tell which profile to judge by: ${nothing}; ${MORE} (by Kubernetes version: ${tableText()})`,
    };
  }
  const read: { s: VersionSighting; v: KubernetesVersion; row: ChoiceRow | undefined }[] = [];
  for (const s of sightings) {
    const v = parseKubernetesVersion(s.text);
    if (v === undefined) {
      return {
        ok: false,
        problem: `cannot tell which profile to judge by: ${s.from} shows ${JSON.stringify(s.text.slice(0, 80))}, which is not a Kubernetes version rkecis reads (v1.N.P, v1.N.P-rancherR); ${MORE}`,
      };
    }
    read.push({ s, v, row: rowFor(v) });
  }
  const outside = read.find((r) => r.row === undefined);
  if (outside !== undefined) {
    return {
      ok: false,
      problem: `no profile covers Kubernetes ${releaseOf(outside.v)} (${outside.s.from}): rkecis has profiles for ${tableText()}; ${MORE} to judge it by another version's benchmark all the same`,
    };
  }
  const profiles = [...new Set(read.map((r) => r.row?.profile))];
  if (profiles.length > 1) {
    const seen = [...new Map(read.map((r) => [releaseOf(r.v), r])).values()]
      .map((r) => `${releaseOf(r.v)} (${r.s.from}: ${r.row?.profile ?? ''})`)
      .join(', ');
    return {
      ok: false,
      problem: `cannot tell which profile to judge by: the node shows Kubernetes versions that call for different profiles, ${seen}; it may be mid-upgrade: ${MORE}`,
    };
  }
  // The API server's word is the version named; else the first seen (they share a row anyway).
  const primary = read.reduce((best, r) =>
    r.s.authority === 'api-server' && best.s.authority !== 'api-server' ? r : best,
  );
  const row = primary.row as ChoiceRow;
  if (!available.includes(row.profile)) {
    return {
      ok: false,
      problem: `Kubernetes ${releaseOf(primary.v)} (${primary.s.from}) calls for profile ${row.profile} (${row.guides}), which this build of rkecis does not have (built-in: ${available.join(', ')}); ${MORE} to judge it by another version's benchmark all the same`,
    };
  }
  const release = releaseOf(primary.v);
  const same = read.filter((r) => releaseOf(r.v) === release).map((r) => r.s.from);
  const others = [...new Set(read.filter((r) => releaseOf(r.v) !== release).map((r) => `${releaseOf(r.v)} (${r.s.from})`))];
  return {
    ok: true,
    choice: {
      profile: row.profile,
      version: release,
      reason:
        `chosen from Kubernetes ${release}, read from ${listed(same)}: ${rowText(row)} (${row.guides})` +
        (others.length > 0 ? `; the node also shows ${others.join(', ')}, the same profile's range` : ''),
    },
  };
}

/** `a`, `a and b`, `a, b and c`: the first five, then how many more. */
function listed(items: readonly string[]): string {
  const unique = [...new Set(items)];
  const shown = unique.slice(0, 5);
  const rest = unique.length - shown.length;
  const all = rest > 0 ? [...shown, `${rest} more`] : shown;
  return all.length === 1 ? (all[0] as string) : `${all.slice(0, -1).join(', ')} and ${all.at(-1) as string}`;
}

/** The choice stated when `--profile` named the profile. */
export const namedChoice = (profile: string): { profile: string; reason: string } => ({
  profile,
  reason: 'named with --profile',
});
