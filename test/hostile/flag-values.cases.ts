import type { ArgsCase } from './args.cases.js';

/**
 * Flag values read as the component reads them, on the guide's hardened node: booleans as Go's
 * strconv.ParseBool takes them (1, t, T, TRUE, true, True / 0, f, F, FALSE, false, False), and
 * a single dash as the component's own parser takes it (pflag: one-letter shorthands, which the
 * Kubernetes components do not have beyond -v; Go's flag package, etcd: the same as two dashes).
 */
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

const c = (
  name: string,
  container: ArgsCase['container'],
  args: ArgsCase['args'],
  controls: ArgsCase['controls'],
): ArgsCase => ({ name, container, args, controls, expect: { exit: 1, controls } });

const api = 'kube-apiserver' as const;

export const FLAG_VALUE_CASES: ArgsCase[] = [
  // --- booleans, as strconv.ParseBool reads them ---
  ...['False', 'FALSE', 'f', 'F', '0'].map((v) =>
    c(`--anonymous-auth=${v} is false`, api, swap('--anonymous-auth', `--anonymous-auth=${v}`), {
      '1.1.1': 'pass',
    }),
  ),
  ...['TRUE', 'True', 't', '1'].map((v) =>
    c(`--anonymous-auth=${v} is true`, api, swap('--anonymous-auth', `--anonymous-auth=${v}`), {
      '1.1.1': 'fail',
    }),
  ),
  ...['yes', 'no', 'off', 'fAlse', ' false', ''].map((v) =>
    c(
      `--anonymous-auth=${JSON.stringify(v)} is no boolean (the apiserver refuses it)`,
      api,
      swap('--anonymous-auth', `--anonymous-auth=${v}`),
      { '1.1.1': 'fail' },
    ),
  ),
  c('--profiling=False on the apiserver', api, swap('--profiling', '--profiling=False'), {
    '1.1.8': 'pass',
  }),
  c('--profiling=True on the apiserver', api, swap('--profiling', '--profiling=True'), {
    '1.1.8': 'fail',
  }),
  c('etcd --client-cert-auth=TRUE', 'etcd', swap('--client-cert-auth', '--client-cert-auth=TRUE'), {
    '1.5.2': 'pass',
  }),
  c('etcd --client-cert-auth=0', 'etcd', swap('--client-cert-auth', '--client-cert-auth=0'), {
    '1.5.2': 'fail',
  }),
  c('etcd --auto-tls=F (1.5.3 asks for unset or false)', 'etcd', append('--auto-tls=F'), {
    '1.5.3': 'pass',
  }),
  c('etcd --auto-tls=T', 'etcd', append('--auto-tls=T'), { '1.5.3': 'fail' }),

  // --- a single dash ---
  c(
    '-anonymous-auth=false in place of --anonymous-auth=false (pflag refuses it)',
    api,
    swap('--anonymous-auth', '-anonymous-auth=false'),
    { '1.1.1': 'error' },
  ),
  c(
    '-anonymous-auth=false before --anonymous-auth=false',
    api,
    (args) => ['kube-apiserver', '-anonymous-auth=false', ...args.slice(1)],
    { '1.1.1': 'error' },
  ),
  c('-profiling false, as two arguments', api, swap('--profiling', '-profiling', 'false'), {
    '1.1.8': 'error',
  }),
  c(
    'etcd -client-cert-auth=true (Go flag package: one dash is two)',
    'etcd',
    swap('--client-cert-auth', '-client-cert-auth=true'),
    { '1.5.2': 'pass' },
  ),
  c('etcd -auto-tls=true', 'etcd', append('-auto-tls=true'), { '1.5.3': 'fail' }),
];
