import type { Audit, PassWhen, Profile } from '../../src/profiles/schema.js';
import operators from '../../src/engine/operators/index.js';
import { run } from './engine.js';

/** The guide's audits a test can run as written: docker inspect | jq, stat and grep. */
export const runnable = (a: Audit): boolean =>
  a.passWhen !== 'info' && /^(docker inspect|stat|grep) /.test(a.command);

/**
 * The command as the guide prints it, with only its absolute host paths moved under the node's
 * root (a path after whitespace: `stat -c %a /var/lib/etcd`; the paths inside jq regexes follow
 * `=` and are untouched).
 */
export function underRoot(command: string, root: string): string {
  return command.replace(
    /(^|\s)(\/[^\s'"|]+)/g,
    (_m, pre: string, path: string) => `${pre}${root}${path}`,
  );
}

/** Exit code of the wrapper when it cannot give the command the node's user names. */
const NO_NODE_NAMES = 125;

/**
 * Runs one audit with bash against the engine and says whether the guide would call it a pass.
 * It runs in a mount namespace of its own where the node's /etc/passwd and /etc/group (under
 * `root`) stand in for this machine's, so `stat -c %U:%G` names owners as on the node (an etcd
 * user this machine does not have).
 */
export async function guidePasses(
  a: Audit,
  dockerHost: string,
  root: string,
): Promise<{ pass: boolean; output: string }> {
  const command = underRoot(a.command, root);
  const onNode =
    `mount --bind "$1/etc/passwd" /etc/passwd && mount --bind "$1/etc/group" /etc/group ` +
    `|| exit ${String(NO_NODE_NAMES)}; eval "$2"`;
  let code = 0;
  let stdout: string;
  let stderr = '';
  try {
    ({ stdout } = await run('unshare', ['-m', 'bash', '-c', onNode, 'audit', root, command], {
      env: { ...process.env, DOCKER_HOST: dockerHost },
    }));
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    code = typeof err.code === 'number' ? err.code : -1;
    stdout = err.stdout ?? '';
    stderr = err.stderr ?? '';
  }
  if (code === NO_NODE_NAMES || code === -1)
    throw new Error(`cannot run the audit in a mount namespace (unshare -m, as root): ${stderr}`);
  const out = stdout.trim();
  return { pass: judge(a.passWhen, code, out), output: `exit ${code}: ${out.slice(0, 300)}` };
}

function judge(passWhen: PassWhen, code: number, out: string): boolean {
  if (passWhen === 'found') return code === 0 && out !== '';
  if (passWhen === 'not-found') return code !== 0 || out === '';
  if (passWhen === 'info') throw new Error('info audits are not judged');
  return operators[passWhen.op](out, passWhen.value);
}

/** One control the guide's commands decide: what they say, what rkecis said, their output. */
export interface GuideVerdict {
  id: string;
  guide: 'pass' | 'fail';
  ours: string | undefined;
  output: string;
}

/**
 * The guide's verdict on each control its commands alone decide (every audit runnable, none
 * for a person to read: a control whose audit is partly read by a person is not decided by its
 * commands), with rkecis's verdict from `ours` beside it.
 */
export async function guideVerdicts(
  profile: Profile,
  ours: ReadonlyMap<string, string>,
  dockerHost: string,
  root: string,
): Promise<GuideVerdict[]> {
  const decided = profile.controls.filter(
    (c) => c.audit.length > 0 && c.audit.every((a) => runnable(a)),
  );
  const verdicts: GuideVerdict[] = [];
  // A few at a time: each audit is a bash, a docker CLI and a jq on a small shared machine.
  for (let i = 0; i < decided.length; i += 4) {
    const batch = decided.slice(i, i + 4).map(async (c): Promise<GuideVerdict> => {
      const outcomes = await Promise.all(c.audit.map((a) => guidePasses(a, dockerHost, root)));
      return {
        id: c.id,
        guide: outcomes.every((o) => o.pass) ? 'pass' : 'fail',
        ours: ours.get(c.id),
        output: outcomes.map((o) => o.output).join(' / '),
      };
    });
    verdicts.push(...(await Promise.all(batch)));
  }
  return verdicts;
}
