import { z } from 'zod';
import { InputError } from '../base/errors.js';
import { readInputText } from '../base/input-file.js';
import { evaluate } from '../engine/evaluate.js';
import { EVIDENCE_KIND, type Evidence } from '../evidence/schema.js';
import { MAX_EVIDENCE_BYTES, parseEvidence } from '../evidence/read.js';
import type { Profile } from '../profiles/schema.js';
import { STATUSES, type NodeReport } from '../report/types.js';
import type { DiffSide } from './types.js';
import { closestIssue, issuePath, PLAIN } from '../text/schema-issues.js';

/** The part of a JSON report (rkecis --format json) a diff reads; the rest passes through. */
const reportSchema = z.looseObject({
  profile: z.looseObject({
    name: z.string(),
    title: z.string(),
    benchmark: z.string(),
    kubernetes: z.string(),
  }),
  node: z.looseObject({ name: z.string().min(1) }),
  summary: z.looseObject({}),
  results: z.array(
    z.looseObject({
      id: z.string(),
      title: z.string(),
      scored: z.boolean(),
      status: z.enum(STATUSES),
      actual: z.string(),
    }),
  ),
});

export type FileContent =
  { kind: 'evidence'; evidence: Evidence } | { kind: 'report'; report: NodeReport };

/** Reads a diff input file: an evidence bundle (rkecis collect, show --evidence) or a JSON report. */
export function readDiffFile(file: string): FileContent {
  const text = readInputText(file, {
    maxBytes: MAX_EVIDENCE_BYTES,
    expected: 'a report or evidence bundle',
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (
    data !== null &&
    typeof data === 'object' &&
    (data as { kind?: unknown }).kind === EVIDENCE_KIND
  ) {
    return { kind: 'evidence', evidence: parseEvidence(data, file) };
  }
  const parsed = reportSchema.safeParse(data, PLAIN);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const issue = first !== undefined ? closestIssue(first) : undefined;
    const at = issue !== undefined ? issuePath(issue) : '';
    throw new InputError(
      `${file}: neither an evidence bundle nor a JSON report (at ${at === '' ? 'top level' : at}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return { kind: 'report', report: parsed.data as unknown as NodeReport };
}

/** A diff side from a file: a report as it is, or a bundle evaluated (and kept for the evidence diff). */
export function sideFromFile(file: string, profile: (evidence: Evidence) => Profile): DiffSide {
  const content = readDiffFile(file);
  if (content.kind === 'report') return { label: file, nodes: [{ report: content.report }] };
  const { evidence } = content;
  return {
    label: file,
    ...(evidence.collectedAt !== undefined ? { scannedAt: evidence.collectedAt } : {}),
    nodes: [{ report: evaluate(profile(evidence), evidence), evidence }],
  };
}
