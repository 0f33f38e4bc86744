import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of other processes, from /proc (Linux): how the cluster benchmark measures the
 * simulated nodes (their sshd and dockerd) apart from rkecis. A process's own time plus its
 * reaped children's (cutime, cstime): sshd waits for each connection's processes, so a finished
 * connection's CPU shows in its sshd's figures once it has been reaped.
 */

let ticks: number | undefined;
const clockTicks = (): number => {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
};

/** utime + stime + cutime + cstime of one process, in seconds; 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const t = [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i] ?? 0), 0);
  return t / clockTicks();
}

/** The live children of a process. */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter((x) => x !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** A process and its live descendants, their CPU seconds summed (reaped ones are in cutime). */
export function treeCpuSeconds(pid: number): number {
  return processCpuSeconds(pid) + childrenOf(pid).reduce((s, c) => s + treeCpuSeconds(c), 0);
}

/** Waits until none of `pids` has a live child (every connection closed and reaped), or `ms`. */
export async function untilNoChildren(pids: readonly number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (pids.every((p) => childrenOf(p).length === 0)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
