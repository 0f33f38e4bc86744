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

/**
 * String-slice flags (pflag StringSlice): each occurrence adds its items to those before it,
 * so `--enable-admission-plugins=AlwaysAdmit --enable-admission-plugins=NodeRestriction`
 * enables both. (The kubelet's --authorization-mode is a plain string whose last occurrence
 * wins; accumulating it too can only make 2.1.3 stricter, never a false pass.)
 */
const LIST_FLAGS = new Set([
  'admission-control',
  'authorization-mode',
  'disable-admission-plugins',
  'enable-admission-plugins',
  'tls-cipher-suites',
]);

/** Map flags (`key=value` lists): occurrences accumulate and a later key replaces an earlier one. */
const MAP_FLAGS = new Set(['feature-gates']);

// The same names keyed as parseFlags keys them (`--name`), so the loop below never slices a key.
const BOOLEAN_KEYS = new Set([...BOOLEAN_FLAGS].map((n) => `--${n}`));
const ACCUMULATING_KEYS = new Set([...LIST_FLAGS, ...MAP_FLAGS].map((n) => `--${n}`));
const MAP_KEYS = [...MAP_FLAGS].map((n) => `--${n}`);

export type Flags = ReadonlyMap<string, string> & {
  /**
   * Flags whose value the arguments do not decide (key -> why): a bare flag that is not a
   * known boolean, followed by a flag-like argument or by nothing. pflag and Go's flag package
   * take the next argument as the value of any flag that is not a boolean, whatever it looks
   * like; whether this one is a boolean cannot be told, so a check reading it is an error.
   */
  readonly unsure?: ReadonlyMap<string, string>;
};

const DASH = 0x2d;
const EQUALS = 0x3d;

/**
 * How a component reads its arguments: `pflag` (every Kubernetes component), where a single dash
 * introduces one-letter shorthand flags, or Go's `flag` package (etcd), where `-name` and
 * `--name` are the same flag.
 */
export type FlagSyntax = 'pflag' | 'go';

/** The argument syntax of an RKE container, by its name. */
export const flagSyntaxOf = (container: string): FlagSyntax =>
  container === 'etcd' ? 'go' : 'pflag';

/**
 * Parses a container's Args into flags the way the components do (pflag, and Go's flag package
 * for etcd, which accepts a single dash too): `--name=value`; bare `--name` for a boolean is
 * "true"; `--name value` for another flag; the last occurrence wins, except that string-slice
 * and map flags accumulate; `_` in a name reads as `-`. Keys keep the leading `--`. Arguments
 * that are not flags (the component name RKE passes first) are skipped.
 *
 * Under pflag, `-anonymous-auth=false` is not `--anonymous-auth`: it is the shorthand flags
 * a, n, o... which Kubernetes components do not have (their one shorthand is klog's `-v`), so the
 * component refuses to start. The flag it spells is then unsure (a check on it is an error),
 * wherever it stands among the other arguments.
 */
export function parseFlags(args: readonly string[], syntax: FlagSyntax = 'pflag'): Flags {
  const flags = new Map<string, string>() as Map<string, string> & { unsure?: Map<string, string> };
  let repeated: Set<string> | undefined;
  let refused: Map<string, string> | undefined;
  let doubtNext: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const doubt = doubtNext;
    doubtNext = undefined;
    if (arg === '--') break; // pflag: everything after is positional
    // /^--?([^-=][^=]*)(?:=([\s\S]*))?$/ by hand: this runs for every argument of every node.
    if (arg.charCodeAt(0) !== DASH) continue;
    const start = arg.charCodeAt(1) === DASH ? 2 : 1;
    const first = arg.charCodeAt(start);
    if (Number.isNaN(first) || first === DASH || first === EQUALS) continue;
    const eq = arg.indexOf('=', start);
    const written = eq < 0 ? arg : arg.slice(0, eq);
    let key = start === 2 ? written : `-${written}`;
    // Kubernetes components normalize "_" to "-" in flag names (WordSepNormalizeFunc).
    if (key.includes('_')) key = key.replaceAll('_', '-');
    if (start === 1 && syntax === 'pflag' && written.length > 2) {
      // Quoted as JSON: arguments may hold control characters.
      (refused ??= new Map()).set(
        key,
        `${JSON.stringify(arg.slice(0, 80))} is not ${key}: the component (pflag) reads a single dash as one-letter shorthand flags, has none of these, and refuses to start with this argument; write ${key}`,
      );
      continue;
    }
    let value: string;
    let why: string | undefined;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (BOOLEAN_KEYS.has(key)) {
        value = 'true';
      } else if (next !== undefined && !next.startsWith('-')) {
        value = next;
        i++;
      } else {
        value = 'true';
        // Quoted as JSON: arguments may hold control characters.
        const shown = next === undefined ? 'nothing' : JSON.stringify(next.slice(0, 80));
        why = `${key} is given without a value and ${shown} follows it: the component takes the next argument as the value of any flag that is not a boolean (or refuses to start); write ${key}=value`;
        if (next !== undefined) {
          doubtNext = `${shown} follows ${key}, which is given without a value: the component may take it as the value of ${key}, not as a flag; write ${key}=value`;
        }
      }
    }
    const before = flags.get(key);
    // The name is looked up only for a repeated flag (rare): this loop runs for every argument.
    if (before !== undefined && ACCUMULATING_KEYS.has(key)) {
      (repeated ??= new Set()).add(key);
      flags.set(key, `${before},${value}`);
    } else {
      flags.set(key, value);
      // A later, plain occurrence replaces a doubtful one.
      flags.unsure?.delete(key);
    }
    const reason = why ?? doubt;
    if (reason !== undefined) (flags.unsure ??= new Map()).set(key, reason);
  }
  // Wherever it stands, an argument the component refuses leaves the flag it spells unsure.
  if (refused !== undefined)
    for (const [k, why] of refused) (flags.unsure ??= new Map()).set(k, why);
  // A map flag takes each key's last value, across occurrences and within one.
  for (const key of MAP_KEYS) {
    const value = flags.get(key);
    if (value === undefined) continue;
    const merged = lastKeyWins(value);
    const items = value
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    if (repeated?.has(key) === true || merged !== items.join(',')) {
      flags.set(key, merged);
    }
  }
  return flags;
}

/** `a=true,b=false,a=false` -> `b=false,a=false`: each key once, with its last value. */
function lastKeyWins(value: string): string {
  const items = new Map<string, string>();
  for (const part of value.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const k = eq < 0 ? item : item.slice(0, eq).trim();
    items.delete(k);
    items.set(k, item);
  }
  return [...items.values()].join(',');
}

/** The argument as a person reads it in `docker inspect`: `--name=value`. */
export const showFlag = (name: string, value: string | undefined): string =>
  value === undefined ? `${name} not set` : `${name}=${value}`;
