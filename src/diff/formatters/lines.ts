import {
  ABSENT,
  type ControlChange,
  type EvidenceChange,
  type NodePair,
  type ScanDiff,
  type SideStatus,
} from '../types.js';

export const KIND_LABEL: Record<ControlChange['kind'], string> = {
  'new-failure': 'NEW FAILURE',
  'no-longer-evaluated': 'NO LONGER EVALUATED',
  fixed: 'FIXED',
  changed: 'CHANGED',
};

/** A side's status as a person reads it: `absent` is a control that side did not evaluate. */
export const statusText = (s: SideStatus): string => (s === ABSENT ? 'not evaluated' : s);

/** The summary line's counts: "2 new failures, 1 no longer evaluated, 0 fixed, 0 other changes". */
export function countsText(s: ScanDiff['summary']): string {
  return [
    plural(s.newFailures, 'new failure'),
    ...(s.noLongerEvaluated > 0 ? [`${s.noLongerEvaluated} no longer evaluated`] : []),
    `${s.fixed} fixed`,
    plural(s.changed, 'other change'),
    ...(s.notCompared !== undefined ? [`${s.notCompared} not compared (another profile)`] : []),
  ].join(', ');
}

/** One evidence change as a phrase: "--profiling=false removed", "mode 644 -> 666". */
export function evidenceText(c: EvidenceChange): string {
  if (c.item === '') {
    if (c.change === 'added') return c.to === undefined ? 'added' : `added (${c.to})`;
    if (c.change === 'removed') return c.from === undefined ? 'removed' : `removed (was ${c.from})`;
    return `${c.from ?? ''} -> ${c.to ?? ''}`;
  }
  if (c.area === 'container' && c.item.startsWith('-')) {
    // A flag: shown whole, as docker inspect shows the argument.
    if (c.change === 'added') return `${c.to ?? c.item} added`;
    if (c.change === 'removed') return `${c.from ?? c.item} removed`;
    return `${c.item}=${c.from ?? ''} -> ${c.item}=${c.to ?? ''}`;
  }
  if (c.area === 'file' && c.item === 'content')
    return `content changed (${c.from ?? ''} -> ${c.to ?? ''})`;
  if (c.change === 'added') return `${c.item} added${c.to === undefined ? '' : `: ${c.to}`}`;
  if (c.change === 'removed')
    return `${c.item} removed${c.from === undefined ? '' : ` (was ${c.from})`}`;
  return `${c.item} ${c.from ?? ''} -> ${c.to ?? ''}`;
}

export const subjectText = (c: EvidenceChange): string =>
  c.area === 'roles' ? 'roles' : `${c.area} ${c.subject}`;

export function sideText(s: ScanDiff['a']): string {
  const nodes = s.nodes.length === 1 ? `node ${s.nodes[0] ?? ''}` : `${s.nodes.length} nodes`;
  return `${s.label} (${nodes}${s.scannedAt !== undefined ? `, ${s.scannedAt}` : ''})`;
}

/** What a pair of reports of two profiles compares, in words. */
export function profilesText(p: NodePair): string | undefined {
  const m = p.profiles;
  if (m === undefined) return undefined;
  const shown = m.notCompared.slice(0, 20).join(', ');
  const more = m.notCompared.length > 20 ? ` and ${m.notCompared.length - 20} more` : '';
  return `the profiles differ: ${m.a} (a) and ${m.b} (b); only the controls with the same id and title in both are compared${m.notCompared.length > 0 ? `; ${plural(m.notCompared.length, 'control')} not compared: ${shown}${more}` : ''}`;
}

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

/** Whether lines need a node prefix: a side holds more than one node. */
export const multiNode = (d: ScanDiff): boolean => d.a.nodes.length > 1 || d.b.nodes.length > 1;
