import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { NodeReport, Status } from '../../src/report/types.js';
import type { CliRun } from '../helpers/run-cli.js';
import { runMain as runInProcess } from '../helpers/run-main.js';

/**
 * The hostile-input corpus (issue #9). Every case names what is thrown at rkecis and the one
 * outcome it must end in: a clear message and exit 2 (`bad`), or a report whose affected
 * controls are `error` (or, where the input is a finding, `fail`) while the scan goes on
 * (`report`). Never a crash, a stack trace, a hang or a pass.
 */
export type Expected =
  | { exit: 2; message: RegExp }
  | {
      exit: 0 | 1;
      /** Control id -> the status (or one of the statuses) it must have. */
      controls: Record<string, Status | readonly Status[]>;
      /** Control ids that must not be in the report (left out by role). */
      absent?: readonly string[];
    };

export interface HostileCase {
  name: string;
  expect: Expected;
}

/** Exit 2 with one line naming the problem. */
export const bad = (message: RegExp): Expected => ({ exit: 2, message });

/** A report (exit 1 unless said otherwise) in which these controls have these statuses. */
export const report = (
  controls: Record<string, Status | readonly Status[]>,
  extra: { exit?: 0 | 1; absent?: readonly string[] } = {},
): Expected => ({
  exit: extra.exit ?? 1,
  controls,
  ...(extra.absent !== undefined ? { absent: extra.absent } : {}),
});

/** `error` for every listed control. */
export const errors = (...ids: string[]): Record<string, Status> =>
  Object.fromEntries(ids.map((id) => [id, 'error' as const]));

/** Not a pass: the input is a finding (`fail`) or could not be judged (`error`). */
export const NOT_PASS: readonly Status[] = ['fail', 'error'];

export type Run = CliRun;

/** Environment that keeps a run away from the machine's own kubeconfig and history. */
export const ISOLATED_ENV: Record<string, string | undefined> = {
  NO_COLOR: '1',
  HOME: '/nonexistent-home',
  KUBECONFIG: '',
  KUBERNETES_SERVICE_HOST: undefined,
  RKECIS_STORE: undefined,
  SOURCE_DATE_EPOCH: '1700000000',
};

/** Runs the CLI in this process (test/helpers/run-main.ts), kept away from this machine's state. */
export const runMain = (
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Run> => runInProcess(args, { ...ISOLATED_ENV, ...env });

/** No stack trace, no "unexpected error" (an error rkecis did not foresee), no raw Error text. */
export function expectNoTrace(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toMatch(/unexpected error/);
  expect(stderr).not.toMatch(/\b(TypeError|RangeError|SyntaxError|ReferenceError)\b/);
}

/** Asserts a run ended as the case expects; returns the report when there is one. */
export function expectOutcome(run: Run, expected: Expected, label = ''): NodeReport | undefined {
  expectNoTrace(run.stderr);
  if (expected.exit === 2) {
    expect(run.code, `${label}: exit code (stderr: ${run.stderr})`).toBe(2);
    expect(run.stdout, label).toBe('');
    // One line, "rkecis: <input>: <problem>".
    expect(run.stderr, label).toMatch(/^rkecis: [^\n]+\n$/);
    expect(run.stderr, label).toMatch(expected.message);
    return undefined;
  }
  expect(run.code, `${label}: exit code (stderr: ${run.stderr})`).toBe(expected.exit);
  const rep = JSON.parse(run.stdout) as NodeReport;
  expectStatuses(rep, expected.controls, label);
  for (const id of expected.absent ?? []) {
    expect(
      rep.results.find((r) => r.id === id),
      `${label}: ${id} left out`,
    ).toBeUndefined();
  }
  return rep;
}

/** Each listed control is in the report with (one of) the given status(es). */
export function expectStatuses(
  rep: Pick<NodeReport, 'results'>,
  controls: Record<string, Status | readonly Status[]>,
  label = '',
): void {
  for (const [id, want] of Object.entries(controls)) {
    const r = rep.results.find((x) => x.id === id);
    const allowed: readonly Status[] = typeof want === 'string' ? [want] : want;
    expect(r, `${label}: control ${id} is in the report`).toBeDefined();
    expect(allowed, `${label}: ${id} is ${r?.status ?? 'missing'} (${r?.actual ?? ''})`).toContain(
      r?.status,
    );
    if (r?.status === 'error') expect(r.reason ?? '', `${label}: ${id} says why`).not.toBe('');
  }
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `rkecis-hostile-${prefix}-`));
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Files rkecis left in a folder (temporary report files are hidden: .rkecis-xxxxxxxxxxxx.tmp). */
export const leftovers = (dir: string): string[] => readdirSync(dir).sort();
