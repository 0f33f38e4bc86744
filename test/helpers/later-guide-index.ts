import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseLaterGuide, type LaterGuide } from './later-guide.js';

/** A later guide as ../shared/seed/later-guides/README.md describes it. */
export interface GuideSource {
  file: string;
  /** Short name used in test names and DIFFERENCES.md. */
  name: string;
  title: string;
  rancher: string;
  cis: string;
  kubernetes: string;
  /** "docker-inspect": CIS 1.4 audits with docker inspect | jq; "kube-bench": CIS 1.5 and later. */
  family: 'docker-inspect' | 'kube-bench';
  repo: string;
  /** The seed README abbreviates repeated commits ("3e0318ed…"); this is the full one it stands for. */
  commit: string;
  path: string;
}

const DOCS = '3e0318ed7f3f606fba047ac3a5157aae35c89f82';
const RD_210 = '6dbff64095af66749fd8cb6c662d97a2a3988bb7';
const V204 = 'content/rancher/v2.0-v2.4/en/security';
const RKE1 =
  'versioned_docs/version-2.10/reference-guides/rancher-security/hardening-guides/rke1-hardening-guide';

/** The twelve guides, in the order of the seed README (copied from its table). */
export const LATER_GUIDES: readonly GuideSource[] = [
  {
    file: 'rancher-benchmark-2.2_cis-1.4.md',
    name: 'v2.2',
    title: 'CIS Benchmark Rancher Self-Assessment Guide v2.2',
    rancher: 'v2.2.x',
    cis: '1.4.0 and 1.4.1',
    kubernetes: '1.13',
    family: 'docker-inspect',
    repo: 'rancher/docs',
    commit: DOCS,
    path: `${V204}/rancher-2.2/benchmark-2.2/_index.md`,
  },
  {
    file: 'rancher-benchmark-2.3_cis-1.4.1.md',
    name: 'v2.3',
    title: 'CIS Benchmark Rancher Self-Assessment Guide v2.3',
    rancher: 'v2.3.0-2.3.2',
    cis: '1.4.1',
    kubernetes: '1.15',
    family: 'docker-inspect',
    repo: 'rancher/docs',
    commit: DOCS,
    path: `${V204}/rancher-2.3.x/rancher-v2.3.0/benchmark-2.3/_index.md`,
  },
  {
    file: 'rancher-benchmark-2.3.3_cis-1.4.1.md',
    name: 'v2.3.3',
    title: 'CIS Benchmark Rancher Self-Assessment Guide - Rancher v2.3.3',
    rancher: 'v2.3.3',
    cis: '1.4.1',
    kubernetes: '1.16',
    family: 'docker-inspect',
    repo: 'rancher/docs',
    commit: DOCS,
    path: `${V204}/rancher-2.3.x/rancher-v2.3.3/benchmark-2.3.3/_index.md`,
  },
  {
    file: 'rancher-benchmark-2.3.5_cis-1.5.md',
    name: 'v2.3.5',
    title: 'CIS Benchmark Rancher Self-Assessment Guide - v2.3.5',
    rancher: 'v2.3.5',
    cis: '1.5',
    kubernetes: '1.15',
    family: 'kube-bench',
    repo: 'rancher/docs',
    commit: DOCS,
    path: `${V204}/rancher-2.3.x/rancher-v2.3.5/benchmark-2.3.5/_index.md`,
  },
  {
    file: 'rancher-benchmark-2.4_cis-1.5.md',
    name: 'v2.4',
    title: 'CIS Benchmark Rancher Self-Assessment Guide - v2.4',
    rancher: 'v2.4',
    cis: '1.5',
    kubernetes: '1.15',
    family: 'kube-bench',
    repo: 'rancher/docs',
    commit: DOCS,
    path: `${V204}/rancher-2.4/benchmark-2.4/_index.md`,
  },
  {
    file: 'rancher-benchmark-2.5_cis-1.5.md',
    name: 'v2.5',
    title: 'CIS 1.5 Benchmark - Self-Assessment Guide - Rancher v2.5',
    rancher: 'v2.5',
    cis: '1.5',
    kubernetes: '1.15',
    family: 'kube-bench',
    repo: 'rancher/docs',
    commit: DOCS,
    path: 'content/rancher/v2.5/en/security/rancher-2.5/1.5-benchmark-2.5/_index.md',
  },
  {
    file: 'rancher-benchmark-2.5_cis-1.6.md',
    name: 'v2.5.4',
    title: 'CIS 1.6 Benchmark - Self-Assessment Guide - Rancher v2.5.4',
    rancher: 'v2.5.4',
    cis: '1.6',
    kubernetes: '1.18',
    family: 'kube-bench',
    repo: 'rancher/docs',
    commit: DOCS,
    path: 'content/rancher/v2.5/en/security/rancher-2.5/1.6-benchmark-2.5/_index.md',
  },
  {
    file: 'rancher-benchmark-2.6_rke1_cis-1.6.md',
    name: 'v2.6',
    title: 'RKE CIS v1.6 Benchmark - Self-Assessment Guide - Rancher v2.6',
    rancher: 'v2.6',
    cis: '1.6',
    kubernetes: '1.18 up to 1.23',
    family: 'kube-bench',
    repo: 'rancher/docs',
    commit: DOCS,
    path: 'content/rancher/v2.6/en/security/hardening-guides/rke-1.6-benchmark-2.6/_index.md',
  },
  {
    file: 'rke1-self-assessment_cis-1.20_rancher-2.6_k8s-1.19-1.21.md',
    name: 'CIS 1.20',
    title: 'RKE CIS v1.20 Benchmark - Self-Assessment Guide - Rancher v2.6',
    rancher: 'v2.6',
    cis: '1.20',
    kubernetes: '1.19 up to 1.21',
    family: 'kube-bench',
    repo: 'rancher/rancher-docs',
    commit: '237db9b881621fd87cbe3e22c3b67adbaea3ba2d',
    path: 'docs/reference-guides/rancher-security/rancher-v2.6-hardening-guides/rke1-self-assessment-guide-with-cis-v1.20-benchmark.md',
  },
  {
    file: 'rke1-self-assessment_cis-1.23_rancher-2.7_k8s-1.23.md',
    name: 'CIS 1.23',
    title: 'RKE Self-Assessment Guide - CIS Benchmark v1.23 - K8s v1.23',
    rancher: 'v2.7',
    cis: '1.23',
    kubernetes: '1.23',
    family: 'kube-bench',
    repo: 'rancher/rancher-docs',
    commit: RD_210,
    path: `${RKE1}/rke1-self-assessment-guide-with-cis-v1.23-k8s-v1.23.md`,
  },
  {
    file: 'rke1-self-assessment_cis-1.24_rancher-2.7_k8s-1.24.md',
    name: 'CIS 1.24',
    title: 'RKE Self-Assessment Guide - CIS Benchmark v1.24 - K8s v1.24',
    rancher: 'v2.7',
    cis: '1.24',
    kubernetes: '1.24',
    family: 'kube-bench',
    repo: 'rancher/rancher-docs',
    commit: RD_210,
    path: `${RKE1}/rke1-self-assessment-guide-with-cis-v1.24-k8s-v1.24.md`,
  },
  {
    file: 'rke1-self-assessment_cis-1.7_rancher-2.7_k8s-1.25-1.27.md',
    name: 'CIS 1.7',
    title: 'RKE Self-Assessment Guide - CIS Benchmark v1.7 - K8s v1.25/v1.26/v1.27',
    rancher: 'v2.7',
    cis: '1.7',
    kubernetes: '1.25/1.26/1.27',
    family: 'kube-bench',
    repo: 'rancher/rancher-docs',
    commit: RD_210,
    path: `${RKE1}/rke1-self-assessment-guide-with-cis-v1.7-k8s-v1.25-v1.26-v1.27.md`,
  },
];

/** What test/fixtures/guides/<file-stem>.json holds: where the guide came from, and its reading. */
export type LaterGuideIndex = GuideSource & { lineEndings: 'LF' | 'CRLF' | 'mixed' } & LaterGuide;

export function buildIndex(source: GuideSource, text: string): LaterGuideIndex {
  const g = parseLaterGuide(text);
  const lineEndings = g.crlfLines === 0 ? 'LF' : g.crlfLines === g.lines ? 'CRLF' : 'mixed';
  return { ...source, lineEndings, ...g };
}

export const FIXTURES = new URL('../fixtures/guides/', import.meta.url);

/** The committed index of a guide file. */
export const indexFile = (file: string): URL => new URL(basename(file, '.md') + '.json', FIXTURES);

/**
 * The folder of the later guides: under $RKECIS_SEED_DIR (the seed folder, which holds
 * later-guides/) when set, else ../shared/seed beside the repository, else ../../shared/seed
 * (a worktree under /work/wt/ sees /work/shared there). Null when none exists, as in a CI clone.
 */
export function laterGuidesDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env.RKECIS_SEED_DIR;
  if (fromEnv) {
    const dir = `${fromEnv}/later-guides`;
    // Asked for by name: a wrong path is an error, not a quiet fallback to the committed copy.
    if (!existsSync(dir)) throw new Error(`RKECIS_SEED_DIR=${fromEnv} has no later-guides/ folder`);
    return dir;
  }
  for (const dir of ['../shared/seed/later-guides', '../../shared/seed/later-guides']) {
    if (existsSync(dir)) return dir;
  }
  return null;
}
