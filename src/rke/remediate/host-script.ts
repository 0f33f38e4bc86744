/**
 * Host commands as a reviewed POSIX shell script, one commented block per control. Every path is
 * single-quoted; nothing from evidence or reports reaches the script unquoted.
 */

import { oneLine } from '../../text/visible.js';

/** A shell word: single-quoted, with embedded quotes closed, escaped and reopened. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A comment line: no newline can end the comment early and start a command, and no escape
 * sequence (in a node name, say) can hide lines from the person reviewing the script in a terminal.
 */
const comment = (s: string): string[] => s.split(/\r?\n/).map((l) => `# ${oneLine(l)}`.trimEnd());

export interface HostBlock {
  /** Control ids the block serves (e.g. ["1.4.11"]). */
  controls: string[];
  /** What the block does and why, one or more lines. */
  title: string;
  commands: string[];
}

/** Where a node runs a script: every node, or nodes with one RKE role. */
export type ScriptTarget = 'all' | 'controlplane' | 'etcd' | 'worker';

const TARGET_TEXT: Record<ScriptTarget, string> = {
  all: 'every node of the cluster (RKE runs kubelet on all of them)',
  controlplane: 'every node with the controlplane role',
  etcd: 'every node with the etcd role',
  worker: 'every node with the worker role',
};

/**
 * chmod arguments that remove every permission bit outside `max` and add none, so the file ends
 * `max` or more restrictive whatever it was (the guide's `chmod 700` could also add bits).
 */
export function chmodRemoving(max: string): string {
  const m = parseInt(max.padStart(4, '0'), 8);
  const special = (m >> 9) & 7;
  const parts: string[] = [];
  const classes: [string, number, string][] = [
    ['u', (m >> 6) & 7, special & 4 ? '' : 's'],
    ['g', (m >> 3) & 7, special & 2 ? '' : 's'],
    ['o', m & 7, special & 1 ? '' : 't'],
  ];
  for (const [who, bits, extra] of classes) {
    const remove = `${bits & 4 ? '' : 'r'}${bits & 2 ? '' : 'w'}${bits & 1 ? '' : 'x'}${extra}`;
    if (remove !== '') parts.push(`${who}-${remove}`);
  }
  return parts.join(',');
}

/** The script text for one target. */
export function hostScript(
  target: ScriptTarget,
  blocks: readonly HostBlock[],
  header: { source: string; nodes: string[]; version: string },
): string {
  const lines = [
    '#!/bin/sh',
    ...comment(`rkecis ${header.version} remediation: host commands for ${TARGET_TEXT[target]}.`),
    ...comment(`Generated from ${header.source}.`),
    ...(header.nodes.length > 0 ? comment(`Nodes: ${header.nodes.join(', ')}`) : []),
    '# Review every block, then run it as root on each of those nodes: sh ./host-' + target + '.sh',
    '# It reads the files beside it (copy the whole folder to the node); it never overwrites an existing',
    '# encryption key.',
    'set -eu',
    'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    '',
  ];
  for (const b of blocks) {
    lines.push(...comment(`${b.controls.join(', ')}: ${b.title}`), ...b.commands, '');
  }
  lines.push(`echo 'rkecis: host-${target}.sh done'`);
  return `${lines.join('\n')}\n`;
}

/** Commands that install a generated file on the node, refusing to replace one already there. */
export function installFile(name: string, target: string, mode = '0600'): string[] {
  const t = shellQuote(target);
  return [
    `if [ -e ${t} ]; then`,
    `  echo ${shellQuote(`rkecis: ${target} exists; left as it is (compare it with ${name})`)} >&2`,
    'else',
    `  install -d -m 0755 ${shellQuote(target.replace(/\/[^/]*$/, '') || '/')}`,
    `  install -m ${mode} -o root -g root "$here/"${shellQuote(name)} ${t}`,
    'fi',
  ];
}

/** Commands that run only when the path exists, else say so. */
export function ifExists(path: string, commands: string[]): string[] {
  const p = shellQuote(path);
  return [
    `if [ -e ${p} ]; then`,
    ...commands.map((c) => `  ${c}`),
    'else',
    `  echo ${shellQuote(`rkecis: ${path} does not exist on this node (yet); run again after rke up`)} >&2`,
    'fi',
  ];
}
