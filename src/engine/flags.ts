/**
 * Flags that Kubernetes components and etcd declare as booleans among those the profiles read.
 * pflag lets a boolean stand bare (`--client-cert-auth` means true) and never takes the next
 * argument as its value, while any other flag may be written `--name value`.
 */
const BOOLEAN_FLAGS = new Set([
  'allow-privileged',
  'anonymous-auth',
  'auto-tls',
  'client-cert-auth',
  'enable-swagger-ui',
  'insecure-allow-any-token',
  'kubelet-https',
  'make-iptables-util-chains',
  'peer-auto-tls',
  'peer-client-cert-auth',
  'profiling',
  'protect-kernel-defaults',
  'repair-malformed-updates',
  'rotate-certificates',
  'service-account-lookup',
  'use-service-account-credentials',
]);

export type Flags = ReadonlyMap<string, string>;

/**
 * Parses a container's Args into flags the way the components do (pflag, and Go's flag package
 * for etcd, which accepts a single dash too): `--name=value`; bare `--name` for a boolean is
 * "true"; `--name value` for another flag; the last occurrence wins. Keys keep the leading `--`.
 * Arguments that are not flags (the component name RKE passes first) are skipped.
 */
export function parseFlags(args: readonly string[]): Flags {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') break; // pflag: everything after is positional
    const m = /^--?([^-=][^=]*)(?:=([\s\S]*))?$/.exec(arg);
    if (m === null) continue;
    const name = m[1] ?? '';
    const inline = m[2];
    const key = `--${name}`;
    if (inline !== undefined) {
      flags.set(key, inline);
      continue;
    }
    const next = args[i + 1];
    if (!BOOLEAN_FLAGS.has(name) && next !== undefined && !next.startsWith('-')) {
      flags.set(key, next);
      i++;
    } else {
      flags.set(key, 'true');
    }
  }
  return flags;
}

/** The argument as a person reads it in `docker inspect`: `--name=value`. */
export const showFlag = (name: string, value: string | undefined): string =>
  value === undefined ? `${name} not set` : `${name}=${value}`;
