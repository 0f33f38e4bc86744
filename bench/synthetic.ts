import type { ContainerEvidence, Evidence, FileEvidence } from '../src/evidence/schema.js';

/**
 * Varied synthetic node evidence for the throughput and merge benchmarks: node i is the guide's
 * hardened or insecure example node, given its own addresses and names, one of the RKE role mixes
 * a real cluster has, and seeded random departures of the kinds a fleet shows: flags removed,
 * flipped or repeated, weaker admission plugins and cipher suites, containers missing or not
 * inspectable, file modes and owners changed, files missing, encryption providers in another
 * order, PodSecurityPolicies changed, missing or no longer served. The same i always gives the
 * same node; every node is a separate object graph (nothing is shared between nodes).
 */

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLE_MIXES = [
  { share: 0.4, roles: ['controlplane', 'etcd', 'worker'] },
  { share: 0.1, roles: ['controlplane', 'worker'] },
  { share: 0.1, roles: ['etcd', 'worker'] },
  { share: 0.4, roles: ['worker'] },
] as const;

const CONTAINER_ROLE: Record<string, 'controlplane' | 'etcd' | 'worker'> = {
  'kube-apiserver': 'controlplane',
  'kube-controller-manager': 'controlplane',
  'kube-scheduler': 'controlplane',
  etcd: 'etcd',
  kubelet: 'worker',
  'kube-proxy': 'worker',
};

const MODES = ['644', '600', '640', '664', '755', '700', '666'];
const WEAK_CIPHER = 'TLS_RSA_WITH_3DES_EDE_CBC_SHA';

const ENCRYPTION = (first: string): string =>
  [
    'apiVersion: v1',
    'kind: EncryptionConfig',
    'resources:',
    '  - resources:',
    '    - secrets',
    '    providers:',
    ...(first === 'identity'
      ? [
          '    - identity: {}',
          '    - aescbc:',
          '        keys:',
          '        - name: key1',
          '          secret: "<redacted>"',
        ]
      : [
          `    - ${first}:`,
          '        keys:',
          '        - name: key1',
          '          secret: "<redacted>"',
          '    - identity: {}',
        ]),
    '',
  ].join('\n');
const ENCRYPTION_VARIANTS = [
  ENCRYPTION('aescbc'),
  ENCRYPTION('aescbc'),
  ENCRYPTION('aescbc'),
  ENCRYPTION('identity'),
  ENCRYPTION('secretbox'),
  ENCRYPTION('aesgcm'),
];

export interface SyntheticOptions {
  /** The hardened example node and the insecure one (examples/*.json). */
  hardened: Evidence;
  insecure: Evidence;
}

export function syntheticEvidence(i: number, base: SyntheticOptions): Evidence {
  const rnd = random(0x5eed ^ Math.imul(i + 1, 0x9e3779b1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const e = structuredClone(rnd() < 0.7 ? base.hardened : base.insecure);
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const name = `node-${String(i).padStart(6, '0')}`;
  e.node = { name, hostname: `ip-${ip.replaceAll('.', '-')}` };
  e.collectedAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();

  let r = rnd();
  const mix = ROLE_MIXES.find((m) => (r -= m.share) < 0) ?? ROLE_MIXES[0];
  const roles = new Set<string>(mix.roles);
  e.roles = { detected: [...mix.roles], source: 'containers' };

  for (const [cname, c] of Object.entries(e.containers)) {
    const role = CONTAINER_ROLE[cname];
    if (role !== undefined && !roles.has(role)) {
      e.containers[cname] = { status: 'absent' };
      continue;
    }
    e.containers[cname] = varyContainer(c, rnd, pick, ip);
  }
  for (const [path, f] of Object.entries(e.files)) e.files[path] = varyFile(path, f, rnd, pick, i);
  if (!roles.has('controlplane')) {
    delete e.kubernetes;
  } else if (e.kubernetes !== undefined) {
    const k = e.kubernetes;
    const psp = k.resources.podsecuritypolicies;
    const p = rnd();
    if (p < 0.05) {
      // Only a server whose version no longer has PodSecurityPolicy rules its controls out.
      k.version = 'v1.25.3';
      k.resources.podsecuritypolicies = {
        status: 'not-served',
        reason:
          'the API server runs Kubernetes v1.25.3: PodSecurityPolicy was removed in Kubernetes 1.25',
      };
    } else if (psp?.status === 'ok' && p < 0.1) {
      delete psp.items.restricted;
    } else if (psp?.status === 'ok' && p < 0.25) {
      const spec = (psp.items.restricted as { spec?: Record<string, unknown> } | undefined)?.spec;
      if (spec !== undefined) {
        spec[
          pick(['privileged', 'hostPID', 'hostIPC', 'hostNetwork', 'allowPrivilegeEscalation'])
        ] = true;
        if (rnd() < 0.5) spec.runAsUser = { rule: 'RunAsAny' };
        if (rnd() < 0.5) spec.requiredDropCapabilities = ['NET_ADMIN'];
      }
    }
  }
  return e;
}

function varyContainer(
  c: ContainerEvidence,
  rnd: () => number,
  pick: <T>(list: readonly T[]) => T,
  ip: string,
): ContainerEvidence {
  const p = rnd();
  if (p < 0.02) return { status: 'absent' };
  if (p < 0.04) return { status: 'error', reason: 'inspect: context deadline exceeded' };
  if (c.status !== 'present') return c;
  let args = c.args.map((a) =>
    a.replaceAll('172.31.22.135', ip).replaceAll('172-31-22-135', ip.replaceAll('.', '-')),
  );
  const flagAt = (): number => {
    const idx = args.map((a, j) => (a.startsWith('-') ? j : -1)).filter((j) => j >= 0);
    return idx.length === 0 ? -1 : pick(idx);
  };
  if (rnd() < 0.15) {
    const j = flagAt();
    if (j >= 0) args.splice(j, 1);
  }
  if (rnd() < 0.1) {
    args = args.map((a) =>
      a.endsWith('=true') && rnd() < 0.3
        ? `${a.slice(0, -5)}=false`
        : a.endsWith('=false') && rnd() < 0.3
          ? `${a.slice(0, -6)}=true`
          : a,
    );
  }
  if (rnd() < 0.05)
    args.push(pick(['--profiling=true', '--anonymous-auth=true', '--insecure-port=8080']));
  if (rnd() < 0.1) {
    args = args.map((a) => {
      if (a.startsWith('--enable-admission-plugins=')) {
        const plugins = a.slice(a.indexOf('=') + 1).split(',');
        plugins.splice(Math.floor(rnd() * plugins.length), 1);
        return `--enable-admission-plugins=${plugins.join(',')}`;
      }
      if (a.startsWith('--tls-cipher-suites=')) return `${a},${WEAK_CIPHER}`;
      return a;
    });
  }
  return { ...c, id: `${ip}-${c.name ?? ''}`, args };
}

function varyFile(
  path: string,
  f: FileEvidence,
  rnd: () => number,
  pick: <T>(list: readonly T[]) => T,
  i: number,
): FileEvidence {
  const p = rnd();
  if (p < 0.02) return { status: 'absent' };
  if (p < 0.03) return { status: 'error', reason: 'EACCES: permission denied' };
  if (f.status !== 'present') return f;
  const out = { ...f };
  if (rnd() < 0.1) out.mode = pick(MODES);
  if (rnd() < 0.05) {
    const who = pick([
      { uid: 52034, name: 'etcd' },
      { uid: 65534, name: 'nobody' },
      { uid: 1000, name: 'rancher' },
    ]);
    Object.assign(out, { uid: who.uid, gid: who.uid, user: who.name, group: who.name });
  }
  if (out.content !== undefined) out.content = pick(ENCRYPTION_VARIANTS);
  if (out.entries !== undefined) {
    const entries: Record<string, FileEvidence> = {};
    const n = 1 + Math.floor(rnd() * 6);
    for (let k = 0; k < n; k++) {
      const entry = path.includes('cni/networks') ? `10.42.${i & 255}.${k + 2}` : `${k}0-net.conf`;
      entries[entry] = {
        status: 'present',
        type: 'file',
        mode: rnd() < 0.9 ? '644' : pick(MODES),
        uid: 0,
        gid: 0,
        user: 'root',
        group: 'root',
      };
    }
    out.entries = entries;
  }
  return out;
}
