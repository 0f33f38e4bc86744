import { blocks } from './prose.js';

/**
 * Text output laid out for a reader: prose filled to the width of the terminal (the CLI passes
 * `process.stdout.columns` on a terminal, else DEFAULT_WIDTH), with a hanging indent under its
 * label. Nothing a reader may copy is ever broken: a word, a path, a flag, a `code span` (a
 * command such as `rke up --config cluster.yml`) stays whole on one line, even past the width,
 * and a snippet (a paragraph of several lines: a cluster.yml fragment, `ls -al` output) keeps its
 * lines as they are.
 */
export const DEFAULT_WIDTH = 100;

/** Narrower than this, hanging indents would leave no room: lines are filled as if this wide. */
const MIN_WIDTH = 40;

/** Columns a piece of text takes (code points; the text is escaped, so no control is left). */
export const columns = (text: string): number =>
  // A surrogate pair is one character on screen.
  text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);

/** A word of prose and the space before it: a `code span` keeps its spaces, so it stays whole. */
const WORD = /(\s*)((?:`[^`\n]*`|[^\s`]+|`)+)/g;

/**
 * Fills one line of text: the first output line starts with `first`, the others with `rest`,
 * each at most `width` columns unless one word alone is wider. The text between words is kept as
 * it is (evidence is shown as found, double spaces included) except where a line is broken.
 */
export function fill(text: string, width: number, first = '', rest = first): string[] {
  const limit = Math.max(width, MIN_WIDTH);
  const lines: string[] = [];
  let line = first;
  let used = columns(first);
  let fresh = true;
  for (const [, gap = '', word = ''] of text.matchAll(WORD)) {
    const w = columns(word);
    const g = columns(gap);
    if (!fresh && used + g + w > limit) {
      lines.push(line);
      line = rest + word;
      used = columns(rest) + w;
      continue;
    }
    line += gap + word;
    used += g + w;
    fresh = false;
  }
  lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/**
 * Text of several lines after a label (`actual:   `, `reason:   `): each of its lines filled,
 * the first after the label, the rest under the text (or under `under` when given), so the
 * label column stays clear.
 */
export function field(
  label: string,
  text: string,
  width: number,
  pad: string,
  under = `${pad}${' '.repeat(columns(label))}`,
): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => fill(line, width, i === 0 ? `${pad}${label}` : under, under));
}

/**
 * A list (`3 pass, 1 fail, ...`) filled to the width without breaking an item, each item painted
 * after the layout (colour codes take no columns).
 */
export function fillList(
  head: string,
  items: readonly string[],
  width: number,
  rest: string,
  paint: (item: string, i: number) => string = (item) => item,
): string[] {
  const limit = Math.max(width, MIN_WIDTH);
  const lines: string[] = [];
  let line = head;
  let used = columns(head);
  items.forEach((item, i) => {
    const text = i < items.length - 1 ? `${item},` : item;
    const w = columns(text);
    if (i > 0 && used + 1 + w > limit) {
      lines.push(line);
      line = rest;
      used = columns(rest);
    } else {
      line += ' ';
      used += 1;
    }
    line += paint(item, i) + text.slice(item.length);
    used += w;
  });
  lines.push(line);
  return lines;
}

/** Lines laid out plain, then their first `word` painted: colour codes take no columns. */
export const paintFirst = (
  lines: string[],
  at: number,
  word: string,
  paint: (t: string) => string,
): string[] => {
  const [first = '', ...rest] = lines;
  // The word may run onto the next line: only its part on the first line is painted.
  const end = Math.min(at + word.length, first.length);
  return [`${first.slice(0, at)}${paint(first.slice(at, end))}${first.slice(end)}`, ...rest];
};

/** Text of several lines, each filled: the first line starts with `first`, all others with `rest`. */
export const hang = (text: string, width: number, first: string, rest: string): string[] =>
  text.split('\n').flatMap((line, i) => fill(line, width, i === 0 ? first : rest, rest));

/**
 * Profile prose (remediation, reasons): each one-line paragraph filled, each snippet kept line for
 * line, all indented by `pad`, a blank line between paragraphs as in the source.
 */
export function paragraphs(text: string, width: number, pad: string): string[] {
  const out: string[] = [];
  for (const b of blocks(text)) {
    if (out.length > 0) out.push('');
    if (b.kind === 'pre') {
      for (const l of b.text.split('\n')) out.push(l === '' ? '' : `${pad}${l}`);
    } else {
      const line = b.spans.map((s) => (s.code ? `\`${s.text}\`` : s.text)).join('');
      out.push(...fill(line, width, pad));
    }
  }
  return out;
}

/** The width text output is laid out for: the terminal's, or DEFAULT_WIDTH when not a terminal. */
export function outputWidth(
  stream: { isTTY?: boolean; columns?: number },
  toFile: boolean,
): number {
  if (toFile || stream.isTTY !== true) return DEFAULT_WIDTH;
  const c = stream.columns;
  return c !== undefined && Number.isInteger(c) && c > 0 ? c : DEFAULT_WIDTH;
}
