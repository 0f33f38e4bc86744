import { CIS_STRONG_CIPHERS } from '../../engine/checks/cipher-list.js';
import { splitList } from '../../engine/operators/list.js';
import { combine, runTest } from '../../engine/tests.js';
import { isFlagGroup } from '../../profiles/flag-items.js';
import type { Check, FlagItem, FlagTest } from '../../profiles/schema.js';

type FlagCheck = Extract<Check, { kind: 'flag' }>;
type CipherCheck = Extract<Check, { kind: 'cipher-list' }>;

/**
 * Flags RKE v0.1.x cannot set to the benchmark's liking through cluster.yml, with why. A control
 * that needs one of them gets the guide's mitigation instead of an edit.
 */
export const NOT_AUTOMATABLE: readonly { container: string; flag: string; reason: string }[] = [
  {
    container: 'kube-apiserver',
    flag: '--kubelet-certificate-authority',
    reason:
      'RKE v0.1.x lets every kubelet sign its own serving certificate, so there is no CA kube-apiserver could verify them with; setting the flag would break kubectl logs, exec and port-forward.',
  },
  {
    container: 'kube-controller-manager',
    flag: '--feature-gates',
    reason:
      'RKE v0.1.x does not support kubelet certificate rotation (the guide expected it in RKE v0.1.12); the controller manager has no signing CA configured for kubelet certificate requests.',
  },
  {
    container: 'kubelet',
    flag: '--feature-gates',
    reason:
      'RKE v0.1.x does not support kubelet certificate rotation (RotateKubeletServerCertificate); serving-certificate requests would not be signed or approved.',
  },
  {
    container: 'kubelet',
    flag: '--rotate-certificates',
    reason:
      'RKE v0.1.x gives each kubelet a static client certificate and configures no signer for rotated ones (the guide expected rotation in RKE v0.1.12).',
  },
  {
    container: 'kubelet',
    flag: '--authorization-mode',
    reason:
      "RKE v0.1.x runs the kubelet without --authorization-mode; Webhook mode also needs --authentication-token-webhook and an RBAC binding for kube-apiserver's kubelet client, which RKE v0.1.x does not create.",
  },
  {
    container: 'kubelet',
    flag: '--hostname-override',
    reason:
      'RKE always sets --hostname-override (to hostname_override or the node address); extra_args cannot remove it.',
  },
  {
    container: 'etcd',
    flag: '--trusted-ca-file',
    reason:
      'RKE v0.1.x signs the etcd certificates with the cluster CA (kube-ca); it cannot use a separate etcd CA.',
  },
];

const key = (f: string): string => `--${f.replace(/^--?/, '')}`;

/** Every flag a check's tests name, groups included. */
const flagsOf = (items: readonly FlagItem[]): string[] =>
  items.flatMap((t) => (isFlagGroup(t) ? flagsOf(t.tests) : [key(t.flag)]));

/** Why RKE v0.1.x cannot fix a flag check, or undefined when it can try. */
export function notAutomatable(check: FlagCheck | CipherCheck): string | undefined {
  const flags = check.kind === 'flag' ? flagsOf(check.tests) : [key(check.flag)];
  return NOT_AUTOMATABLE.find((n) => n.container === check.container && flags.includes(n.flag))
    ?.reason;
}

/**
 * The Hardening Guide v2.1's value for each flag it sets (or the value RKE's defaults already
 * use): tried first when a test asks only that a flag be set or match.
 */
export const HARDENED_VALUES: Record<string, Record<string, string>> = {
  'kube-apiserver': {
    '--anonymous-auth': 'false',
    '--profiling': 'false',
    '--repair-malformed-updates': 'false',
    '--service-account-lookup': 'true',
    '--experimental-encryption-provider-config': '/etc/kubernetes/encryption.yaml',
    '--admission-control-config-file': '/etc/kubernetes/admission.yaml',
    '--audit-log-path': '/var/log/kube-audit/audit-log.json',
    '--audit-log-maxage': '5',
    '--audit-log-maxbackup': '5',
    '--audit-log-maxsize': '100',
    '--audit-log-format': 'json',
    '--audit-policy-file': '/etc/kubernetes/audit.yaml',
    '--kubelet-https': 'true',
    '--insecure-port': '0',
    '--secure-port': '6443',
    '--insecure-bind-address': '127.0.0.1',
    '--authorization-mode': 'Node,RBAC',
  },
  'kube-scheduler': { '--profiling': 'false', '--address': '127.0.0.1' },
  'kube-controller-manager': {
    '--profiling': 'false',
    '--address': '127.0.0.1',
    '--terminated-pod-gc-threshold': '1000',
    '--use-service-account-credentials': 'true',
  },
  kubelet: {
    '--streaming-connection-idle-timeout': '1800s',
    '--protect-kernel-defaults': 'true',
    '--make-iptables-util-chains': 'true',
    '--event-qps': '0',
    '--anonymous-auth': 'false',
    '--read-only-port': '0',
    '--cadvisor-port': '0',
  },
  etcd: {
    '--client-cert-auth': 'true',
    '--peer-client-cert-auth': 'true',
    '--auto-tls': 'false',
    '--peer-auto-tls': 'false',
  },
};

/** A container's flags while fixes are worked out: flag -> value, a missing key is unset. */
export type FlagState = Map<string, string>;

/** What RKE itself gives a container: flags extra_args may override, and flags it cannot. */
export interface RkeOwn {
  /** RKE's CommandArgs: extra_args can change their value but not remove them. */
  overridable: ReadonlySet<string>;
  /** Given outside CommandArgs (etcd's bare booleans, kube-apiserver's etcd flags): fixed. */
  fixed: ReadonlySet<string>;
  /** RKE's default value of each flag, a candidate when the user's extra_args broke it. */
  defaults: ReadonlyMap<string, string>;
}

const UNSET = Symbol('unset');
type Candidate = string | typeof UNSET;

function appendItem(current: string | undefined, item: string): string {
  const items = splitList(current ?? '');
  return items.includes(item) ? items.join(',') : [...items, item].join(',');
}

function numberCandidates(test: FlagTest): string[] {
  const n = Number(test.value);
  if (!Number.isFinite(n)) return [];
  if (test.op === 'gte' || test.op === 'lte') return [String(n)];
  if (test.op === 'gt') return [String(n + 1)];
  if (test.op === 'lt') return [String(n - 1)];
  return [];
}

/** Values that might make one test pass, best first. */
function candidates(
  container: string,
  test: FlagTest,
  current: string | undefined,
  own: RkeOwn,
): Candidate[] {
  const flag = key(test.flag);
  const hardened = HARDENED_VALUES[container]?.[flag];
  const rkeDefault = own.defaults.get(flag);
  const out: Candidate[] = [];
  if (test.op === 'eq' && test.value !== undefined) out.push(test.value);
  if (test.op === 'has_item' && test.value !== undefined)
    out.push(appendItem(current ?? rkeDefault, test.value));
  if (test.op === 'nothave_item' && test.value !== undefined) {
    const rest = splitList(current ?? '').filter((i) => i !== test.value);
    out.push(rest.length > 0 ? rest.join(',') : UNSET);
  }
  if (test.set === false) out.push(UNSET);
  if (hardened !== undefined) out.push(hardened);
  if (rkeDefault !== undefined) out.push(rkeDefault);
  out.push(...numberCandidates(test));
  return out;
}

/** Whether the state can take this value: a flag RKE always gives cannot be unset. */
function allowed(flag: string, value: Candidate, own: RkeOwn): boolean {
  if (own.fixed.has(flag)) return false;
  return value !== UNSET || !own.overridable.has(flag);
}

const set = (state: FlagState, flag: string, value: Candidate): void => {
  if (value === UNSET) state.delete(flag);
  else state.set(flag, value);
};

const passes = (items: readonly FlagItem[], match: 'all' | 'any', state: FlagState): boolean =>
  combine(
    items.map((t) =>
      isFlagGroup(t) ? passes(t.tests, t.match, state) : runTest(t, state.get(key(t.flag))),
    ),
    match,
  );

/** Tries to make one test pass by changing one flag; true when it does. */
function fixTest(container: string, test: FlagTest, state: FlagState, own: RkeOwn): boolean {
  const flag = key(test.flag);
  if (runTest(test, state.get(flag))) return true;
  for (const c of candidates(container, test, state.get(flag), own)) {
    if (!allowed(flag, c, own)) continue;
    if (runTest(test, c === UNSET ? undefined : c)) {
      set(state, flag, c);
      return true;
    }
  }
  return false;
}

/**
 * Changes the state so tests pass, if RKE's extra_args can: every item for `all`, the first
 * achievable one for `any` (a flag the container has first, edited before removed, then
 * profile order), groups in the same way, inside out. Returns whether they pass afterwards; on failure
 * the state is left as it was.
 */
function fixItems(
  container: string,
  items: readonly FlagItem[],
  match: 'all' | 'any',
  state: FlagState,
  own: RkeOwn,
): boolean {
  if (passes(items, match, state)) return true;
  const fixItem = (item: FlagItem, into: FlagState): boolean =>
    isFlagGroup(item)
      ? fixItems(container, item.tests, item.match, into, own)
      : fixTest(container, item, into, own);
  if (match === 'any') {
    // A flag the container already has goes first, edited rather than removed: with
    // --admission-control set, adding --enable-admission-plugins beside it would stop
    // kube-apiserver 1.11 from starting, and removing it would drop every plugin it names.
    const rank = (item: FlagItem): number =>
      isFlagGroup(item) || !state.has(key(item.flag)) ? 2 : item.op !== undefined ? 0 : 1;
    for (const item of [...items].sort((a, b) => rank(a) - rank(b))) {
      const one = new Map(state);
      if (fixItem(item, one) && passes(items, match, one)) {
        copyInto(state, one);
        return true;
      }
    }
    return false;
  }
  const trial = new Map(state);
  for (const item of items) fixItem(item, trial);
  // A later fix may undo an earlier one (two items on one flag): only a state that passes counts.
  if (!passes(items, match, trial)) return false;
  copyInto(state, trial);
  return true;
}

/** Changes the state so a flag check passes, if RKE's extra_args can; see fixItems. */
export const fixFlagCheck = (check: FlagCheck, state: FlagState, own: RkeOwn): boolean =>
  fixItems(check.container, check.tests, check.match, state, own);

function copyInto(target: FlagState, source: FlagState): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}

/** Keeps the strong suites of the current list, or gives the CIS strong list. */
export function fixCipherCheck(check: CipherCheck, state: FlagState, own: RkeOwn): boolean {
  const flag = key(check.flag);
  if (own.fixed.has(flag)) return false;
  const strong = new Set(CIS_STRONG_CIPHERS);
  const kept = splitList(state.get(flag) ?? '').filter((s) => strong.has(s));
  state.set(flag, (kept.length > 0 ? kept : CIS_STRONG_CIPHERS).join(','));
  return true;
}
