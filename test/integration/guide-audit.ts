import type { Audit, PassWhen } from '../../src/profiles/schema.js';
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

/** Runs one audit with bash against the engine and says whether the guide would call it a pass. */
export async function guidePasses(
  a: Audit,
  dockerHost: string,
  root: string,
): Promise<{ pass: boolean; output: string }> {
  const command = underRoot(a.command, root);
  let code = 0;
  let stdout: string;
  try {
    ({ stdout } = await run('bash', ['-c', command], {
      env: { ...process.env, DOCKER_HOST: dockerHost },
    }));
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    code = typeof err.code === 'number' ? err.code : -1;
    stdout = err.stdout ?? '';
  }
  const out = stdout.trim();
  return { pass: judge(a.passWhen, code, out), output: `exit ${code}: ${out.slice(0, 300)}` };
}

function judge(passWhen: PassWhen, code: number, out: string): boolean {
  if (passWhen === 'found') return code === 0 && out !== '';
  if (passWhen === 'not-found') return code !== 0 || out === '';
  if (passWhen === 'info') throw new Error('info audits are not judged');
  return operators[passWhen.op](out, passWhen.value);
}
