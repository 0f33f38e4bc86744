import { readFileSync } from 'node:fs';

/** One control as the seed guide heads and judges it. */
export interface GuideControl {
  id: string;
  title: string;
  scored: boolean;
  /** The guide's Result line, or "None" where it has none (1.6.x, and 2.2.10 whose text is cut). */
  result: string;
}

/**
 * Reads the guide's control headings ("1.1.1 - Title (Scored)", sometimes without the dash) and
 * the Result line that follows each (sometimes on the Returned Value line: "... Result: Pass").
 */
export function parseGuide(text: string): GuideControl[] {
  const out: GuideControl[] = [];
  let current: GuideControl | undefined;
  for (const line of text.split('\n')) {
    const h = /^(\d+\.\d+\.\d+) (?:- )?(.*) \((Scored|Not Scored)\)$/.exec(line.trim());
    if (h) {
      current = { id: h[1] ?? '', title: h[2] ?? '', scored: h[3] === 'Scored', result: 'None' };
      out.push(current);
      continue;
    }
    const r = /Result: (.+)$/.exec(line.trim());
    if (r && current && current.result === 'None') current.result = (r[1] ?? '').trim();
  }
  return out;
}

export const readGuide = (path: string): GuideControl[] => parseGuide(readFileSync(path, 'utf8'));
