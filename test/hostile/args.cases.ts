import type { Status } from '../../src/report/types.js';
import { NOT_PASS, type HostileCase } from './harness.js';

/**
 * Container arguments as `docker inspect` may show them, on the guide's hardened node: each case
 * rewrites one container's Args and names the controls it must decide, and how. The flag parser
 * must read them as the component itself would (pflag; Go's flag package for etcd), take no text
 * as a command, and never let a hostile argument turn into a pass.
 */
export interface ArgsCase extends HostileCase {
  container: 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd' | 'kubelet';
  /** The container's new Args, from its hardened Args. */
  args: (hardened: string[]) => string[];
  controls: Record<string, Status | readonly Status[]>;
}

const MB = 1 << 20;
const without = (args: string[], ...flags: string[]): string[] =>
  args.filter((a) => !flags.some((f) => a === f || a.startsWith(`${f}=`)));
/** Replaces the hardened `--flag=...` argument with the given ones (in its place). */
const swap =
  (flag: string, ...replacement: string[]) =>
  (args: string[]): string[] => {
    const i = args.findIndex((a) => a.startsWith(`${flag}=`) || a === flag);
    if (i < 0) return [...args, ...replacement];
    return [...args.slice(0, i), ...replacement, ...args.slice(i + 1)];
  };
const append =
  (...extra: string[]) =>
  (args: string[]): string[] => [...args, ...extra];
const STRONG =
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_GCM_SHA384';
const PLUGINS =
  'ServiceAccount,NamespaceLifecycle,LimitRanger,ResourceQuota,AlwaysPullImages,DenyEscalatingExec,NodeRestriction,EventRateLimit,PodSecurityPolicy';

const c = (
  name: string,
  container: ArgsCase['container'],
  args: ArgsCase['args'],
  controls: ArgsCase['controls'],
): ArgsCase => ({ name, container, args, controls, expect: { exit: 1, controls } });

const api = 'kube-apiserver' as const;
const kubelet = 'kubelet' as const;

export const ARGS_CASES: ArgsCase[] = [
  // --- shell metacharacters: text, never commands ---
  c(
    'a value with ; and a second command',
    api,
    swap('--anonymous-auth', '--anonymous-auth=false;true'),
    { '1.1.1': 'fail' },
  ),
  c(
    'command substitution $(...)',
    api,
    swap('--anonymous-auth', '--anonymous-auth=$(echo false)'),
    { '1.1.1': 'fail' },
  ),
  c('backquotes', api, swap('--anonymous-auth', '--anonymous-auth=`echo false`'), {
    '1.1.1': 'fail',
  }),
  c('&& and || chains', api, swap('--profiling', '--profiling=false && true || true'), {
    '1.1.8': 'fail',
  }),
  c('a pipe', api, swap('--profiling', '--profiling=false | cat'), { '1.1.8': 'fail' }),
  c('single-quoted value', api, swap('--profiling', "--profiling='false'"), { '1.1.8': 'fail' }),
  c('double-quoted value', api, swap('--profiling', '--profiling="false"'), { '1.1.8': 'fail' }),
  c('a redirection as its own argument', api, append('>', '/etc/kubernetes/admission.yaml'), {
    '1.1.1': 'pass',
    '1.1.36': 'pass',
  }),
  c('glob characters in a path', api, swap('--token-auth-file', '--token-auth-file=/etc/*'), {
    '1.1.20': 'fail',
  }),
  c(
    'a plugin list joined with ;',
    api,
    swap(
      '--enable-admission-plugins',
      '--enable-admission-plugins=NodeRestriction;AlwaysPullImages',
    ),
    { '1.1.11': 'fail', '1.1.33': 'fail' },
  ),
  c(
    'cipher suites separated by spaces',
    api,
    swap('--tls-cipher-suites', `--tls-cipher-suites=${STRONG.replace(/,/g, ' ')}`),
    { '1.1.30': 'fail' },
  ),
  c('a variable reference', kubelet, swap('--read-only-port', '--read-only-port=$READ_ONLY_PORT'), {
    '2.1.5': 'fail',
  }),

  // --- newlines and carriage returns ---
  c(
    'a newline hiding a second flag in one argument',
    api,
    swap('--anonymous-auth', '--anonymous-auth=false\n--anonymous-auth=true'),
    { '1.1.1': 'fail' },
  ),
  c('a trailing newline in a boolean', api, swap('--anonymous-auth', '--anonymous-auth=false\n'), {
    '1.1.1': 'fail',
  }),
  c('a carriage return in a boolean', api, swap('--profiling', '--profiling=false\r'), {
    '1.1.8': 'fail',
  }),
  c('a newline before the dashes', api, swap('--anonymous-auth', '\n--anonymous-auth=false'), {
    '1.1.1': 'fail',
  }),
  c('a newline in a port number', kubelet, swap('--read-only-port', '--read-only-port=0\n10255'), {
    '2.1.5': 'fail',
  }),
  c(
    'a newline in a duration',
    kubelet,
    swap('--streaming-connection-idle-timeout', '--streaming-connection-idle-timeout=5m\n0s'),
    { '2.1.6': 'fail' },
  ),

  // --- NUL ---
  c('a NUL after the value', api, swap('--anonymous-auth', '--anonymous-auth=false\u0000'), {
    '1.1.1': 'fail',
  }),
  c('a NUL inside the flag name', api, swap('--anonymous-auth', '--anonymous-auth\u0000=false'), {
    '1.1.1': 'fail',
  }),
  c(
    'a NUL-terminated file path still counts as set',
    api,
    append('--basic-auth-file=/etc/passwd\u0000'),
    { '1.1.2': 'fail' },
  ),
  c('a NUL in a number', api, swap('--insecure-port', '--insecure-port=0\u00008080'), {
    '1.1.6': 'fail',
  }),

  // --- unicode ---
  c('fullwidth letters', api, swap('--anonymous-auth', '--anonymous-auth=ｆａｌｓｅ'), {
    '1.1.1': 'fail',
  }),
  c('an em dash instead of --', api, swap('--anonymous-auth', '—anonymous-auth=false'), {
    '1.1.1': 'fail',
  }),
  c('a unicode hyphen inside the name', api, swap('--anonymous-auth', '--anonymous‐auth=false'), {
    '1.1.1': 'fail',
  }),
  c(
    'a zero-width space after the value',
    api,
    swap('--insecure-bind-address', '--insecure-bind-address=127.0.0.1\u200b'),
    { '1.1.5': 'fail' },
  ),
  c('a combining accent', api, swap('--profiling', '--profiling=fa\u0301lse'), { '1.1.8': 'fail' }),
  c('a right-to-left override', api, swap('--insecure-port', '--insecure-port=\u202e0'), {
    '1.1.6': 'fail',
  }),
  c(
    'lower-case cipher names',
    api,
    swap('--tls-cipher-suites', `--tls-cipher-suites=${STRONG.toLowerCase()}`),
    { '1.1.30': 'fail' },
  ),
  c(
    'an emoji unit on a duration',
    api,
    swap('--request-timeout', '--request-timeout=60s\u{1f642}'),
    { '1.1.38': 'fail' },
  ),
  c('arabic-indic digits as a port', kubelet, swap('--read-only-port', '--read-only-port=٠'), {
    '2.1.5': 'fail',
  }),
  c('a lone surrogate in a value', api, swap('--anonymous-auth', '--anonymous-auth=\ud800'), {
    '1.1.1': 'fail',
  }),

  // --- 1 MB values (every regex stays bounded: see test/profiles/profile.test.ts) ---
  c('a 1 MB boolean', api, swap('--anonymous-auth', `--anonymous-auth=${'f'.repeat(MB)}`), {
    '1.1.1': 'fail',
  }),
  c('a 1 MB duration of digits', api, append(`--request-timeout=${'1'.repeat(MB)}x`), {
    '1.1.38': 'fail',
  }),
  c(
    'a 1 MB duration of zeros and dots',
    kubelet,
    swap(
      '--streaming-connection-idle-timeout',
      `--streaming-connection-idle-timeout=${'0.'.repeat(MB / 2)}s`,
    ),
    { '2.1.6': 'fail' },
  ),
  c(
    'a 1 MB admission list of AlwaysAdmit',
    api,
    swap(
      '--enable-admission-plugins',
      `--enable-admission-plugins=${PLUGINS},${'AlwaysAdmit,'.repeat(MB / 12)}`,
    ),
    { '1.1.10': 'fail' },
  ),
  c(
    '1 MB of strong suites and one weak one',
    api,
    swap(
      '--tls-cipher-suites',
      `--tls-cipher-suites=${`${STRONG},`.repeat(MB / STRONG.length)}TLS_RSA_WITH_RC4_128_SHA`,
    ),
    { '1.1.30': 'fail', '1.1.39': 'fail' },
  ),
  c(
    'a 1 MB port number',
    kubelet,
    swap('--read-only-port', `--read-only-port=${'0'.repeat(MB)}1`),
    { '2.1.5': 'fail' },
  ),
  c('a 1 MB flag name', api, append(`--${'a'.repeat(MB)}=x`), { '1.1.1': 'pass', '1.1.2': 'pass' }),
  c(
    '100 000 arguments',
    api,
    (a) => [...a, ...Array.from({ length: 100_000 }, (_, i) => `--x${i}=${i}`)],
    { '1.1.1': 'pass', '1.1.6': 'pass' },
  ),

  // --- duplicate and conflicting flags: the last occurrence wins, lists accumulate (pflag) ---
  c('false then true: the last wins', api, append('--anonymous-auth=true'), { '1.1.1': 'fail' }),
  c('an insecure port opened again later', api, append('--insecure-port=8080'), {
    '1.1.6': 'fail',
  }),
  c('the kubelet read-only port reopened', kubelet, append('--read-only-port=10255'), {
    '2.1.5': 'fail',
  }),
  c('etcd client auth turned off after a bare flag', 'etcd', append('--client-cert-auth=false'), {
    '1.5.2': 'fail',
  }),
  c(
    'AlwaysAdmit in an earlier --enable-admission-plugins (string slices accumulate)',
    api,
    (a) => ['--enable-admission-plugins=AlwaysAdmit', ...a],
    { '1.1.10': 'fail' },
  ),
  c(
    'AlwaysAllow in an earlier --authorization-mode (string slices accumulate)',
    api,
    (a) => ['--authorization-mode=AlwaysAllow', ...a],
    { '1.1.19': 'fail' },
  ),
  c(
    'a weak suite in an earlier --tls-cipher-suites (string slices accumulate)',
    api,
    (a) => ['--tls-cipher-suites=TLS_RSA_WITH_RC4_128_SHA', ...a],
    { '1.1.30': 'fail', '1.1.39': 'fail' },
  ),
  c(
    'a weak kubelet suite in a later --tls-cipher-suites',
    kubelet,
    append('--tls-cipher-suites=TLS_RSA_WITH_3DES_EDE_CBC_SHA'),
    { '2.1.15': 'fail' },
  ),
  c(
    'a feature gate turned off later in the same list',
    'kube-controller-manager',
    append(
      '--feature-gates=RotateKubeletServerCertificate=true,RotateKubeletServerCertificate=false',
    ),
    { '1.3.6': 'fail' },
  ),
  c(
    'a feature gate turned off in a later --feature-gates',
    kubelet,
    append(
      '--feature-gates=RotateKubeletServerCertificate=true',
      '--feature-gates=RotateKubeletServerCertificate=false',
    ),
    { '2.1.14': 'fail' },
  ),
  c(
    'an underscore spelling of a set flag (pflag normalizes _ to -)',
    api,
    append('--anonymous_auth=true'),
    { '1.1.1': 'fail' },
  ),
  c(
    'a forbidden flag spelled with underscores',
    api,
    append('--basic_auth_file=/etc/kubernetes/basic.csv'),
    { '1.1.2': 'fail' },
  ),
  c(
    'a forbidden token file spelled with underscores',
    api,
    append('--token_auth_file=/etc/kubernetes/tokens.csv'),
    { '1.1.20': 'fail' },
  ),
  // pflag reads -anonymous-auth=true as shorthand flags the apiserver does not have: it refuses
  // to start, so what --anonymous-auth is cannot be told.
  c('a single-dash spelling later on', api, append('-anonymous-auth=true'), { '1.1.1': 'error' }),

  // --- --flag value forms ---
  c(
    'a boolean given "false" as the next argument stays true (pflag)',
    api,
    swap('--anonymous-auth', '--anonymous-auth', 'false'),
    { '1.1.1': 'fail' },
  ),
  c('--profiling false', api, swap('--profiling', '--profiling', 'false'), { '1.1.8': 'fail' }),
  c(
    'a value flag followed by a flag-looking value (pflag takes it as the value)',
    api,
    (a) => [
      ...without(a, '--anonymous-auth', '--audit-log-path'),
      '--audit-log-path',
      '--anonymous-auth=false',
    ],
    { '1.1.1': NOT_PASS, '1.1.15': NOT_PASS },
  ),
  c(
    'a value flag with a negative number',
    api,
    swap('--audit-log-maxage', '--audit-log-maxage', '-1'),
    { '1.1.16': NOT_PASS },
  ),
  c(
    'a value flag last, without its value',
    api,
    (a) => [...without(a, '--audit-log-path'), '--audit-log-path'],
    { '1.1.15': NOT_PASS },
  ),
  c('a forbidden flag last, without its value', api, append('--token-auth-file'), {
    '1.1.20': 'error',
  }),
  c(
    'a flag after the -- terminator does not count',
    api,
    (a) => [...without(a, '--anonymous-auth'), '--', '--anonymous-auth=false'],
    { '1.1.1': 'fail' },
  ),
  c('three dashes', api, swap('--anonymous-auth', '---anonymous-auth=false'), { '1.1.1': 'fail' }),

  // --- empty args ---
  c('no arguments at all', api, () => [], {
    '1.1.1': 'fail',
    '1.1.6': 'fail',
    '1.1.15': 'fail',
    '1.1.30': 'fail',
  }),
  c('one empty argument', api, () => [''], { '1.1.1': 'fail', '1.1.19': 'fail' }),
  c('an empty value for a boolean', api, swap('--anonymous-auth', '--anonymous-auth='), {
    '1.1.1': 'fail',
  }),
  c(
    'an empty admission plugin list',
    api,
    swap('--enable-admission-plugins', '--enable-admission-plugins='),
    { '1.1.11': 'fail', '1.1.24': 'fail' },
  ),
  c('an empty cipher list', api, swap('--tls-cipher-suites', '--tls-cipher-suites='), {
    '1.1.30': 'fail',
  }),
  c('a cipher list of commas', kubelet, swap('--tls-cipher-suites', '--tls-cipher-suites=,,,'), {
    '2.1.15': 'fail',
  }),
  c('an empty authorization mode', kubelet, append('--authorization-mode='), { '2.1.3': NOT_PASS }),
  c('only the command name', 'etcd', () => ['etcd'], {
    '1.5.1': 'fail',
    '1.5.2': 'fail',
    '1.5.5': 'fail',
  }),
];
