import { kindOf } from '../../engine/checks/index.js';
import type { CheckOf, FixIntent, FlagLimits, FlagState } from '../../engine/checks/kind.js';
import type { Check } from '../../profiles/schema.js';

/**
 * RKE's side of fixing container flags: what RKE v0.1.x cannot set, the Hardening Guide's values
 * to try first, and RKE's own flags as the limits of a fix. The search itself is the flag kind's
 * (engine/checks/flag-solve.ts), on the same tests its verdicts use.
 */

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

type FlagsIntent = Extract<FixIntent, { to: 'flags' }>;

/** Why RKE v0.1.x cannot set one of these flags of the container, or undefined when it can try. */
export function notAutomatableFlags(
  intent: Pick<FlagsIntent, 'container' | 'flags'>,
): string | undefined {
  return NOT_AUTOMATABLE.find(
    (n) => n.container === intent.container && intent.flags.includes(n.flag),
  )?.reason;
}

/** Why RKE v0.1.x cannot fix a check of container flags, or undefined when it can try (or it is not one). */
export function notAutomatable(check: Check): string | undefined {
  const intent = kindOf(check).fix(check, { status: 'fail' });
  return intent?.to === 'flags' ? notAutomatableFlags(intent) : undefined;
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

/** What RKE itself gives a container: flags extra_args may override, and flags it cannot. */
export type RkeOwn = Omit<FlagLimits, 'preferred'>;

/** The limits of a fix to a container's flags through extra_args: RKE's own, and the guide's values first. */
export const rkeLimits = (container: string, own: RkeOwn): FlagLimits => ({
  ...own,
  preferred: (flag) => HARDENED_VALUES[container]?.[flag],
});

export type { FlagState };

/** Changes the state so a flag check passes, if RKE's extra_args can (the flag kind's solver). */
export function fixFlagCheck(check: CheckOf<'flag'>, state: FlagState, own: RkeOwn): boolean {
  const intent = kindOf(check).fix(check, { status: 'fail' });
  return intent?.to === 'flags' && intent.solve(state, rkeLimits(check.container, own));
}
