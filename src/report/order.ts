import type { ProfileInfo, Result } from './types.js';

/** Dotted ids compared as numbers, the way the guide orders them (1.1.2 before 1.1.10). */
export function compareIds(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const d = Number(x) - Number(y);
    if (d !== 0 && !Number.isNaN(d)) return d;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** What ordering needs of a result (a node's Result, or a cluster's). */
type Ordered = Pick<Result, 'id' | 'section'>;

/** Results sorted by control id: formatters never depend on the order they were produced in. */
export const sortedResults = <R extends Ordered = Result>(results: readonly R[]): R[] =>
  [...results].sort((a, b) => compareIds(a.id, b.id));

export interface SectionResults<R extends Ordered = Result> {
  id: string;
  title: string;
  description?: string;
  results: R[];
}

export interface GroupResults<R extends Ordered = Result> {
  id: string;
  title: string;
  sections: SectionResults<R>[];
}

/** The results under the guide's headings: groups ("1 - Master Node ...") holding sections ("1.1 - API Server"). */
export function groupResults<R extends Ordered = Result>(report: {
  profile: ProfileInfo;
  results: readonly R[];
}): GroupResults<R>[] {
  const sectionInfo = new Map((report.profile.sections ?? []).map((s) => [s.id, s]));
  const groupTitle = new Map((report.profile.groups ?? []).map((g) => [g.id, g.title]));
  const sections = new Map<string, SectionResults<R>>();
  for (const r of sortedResults(report.results)) {
    let s = sections.get(r.section);
    if (s === undefined) {
      const info = sectionInfo.get(r.section);
      s = {
        id: r.section,
        title: info?.title ?? `Section ${r.section}`,
        ...(info?.description !== undefined ? { description: info.description } : {}),
        results: [],
      };
      sections.set(r.section, s);
    }
    s.results.push(r);
  }
  const groups = new Map<string, GroupResults<R>>();
  for (const s of [...sections.values()].sort((a, b) => compareIds(a.id, b.id))) {
    const id = s.id.split('.')[0] ?? s.id;
    let g = groups.get(id);
    if (g === undefined) {
      g = { id, title: groupTitle.get(id) ?? `Group ${id}`, sections: [] };
      groups.set(id, g);
    }
    g.sections.push(s);
  }
  return [...groups.values()];
}

/** "1.1 API Server": a section's id and title, for formats without nested headings. */
export function sectionTitle(report: { profile: ProfileInfo }, section: string): string {
  const title = report.profile.sections?.find((s) => s.id === section)?.title;
  return title === undefined ? section : `${section} ${title}`;
}
