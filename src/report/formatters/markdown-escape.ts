/**
 * Markdown escaping. Evidence text can hold anything (pipes, backticks, `<script>`), and
 * Markdown renderers pass raw HTML through, so every piece of text is escaped for where it lands.
 */

/** Characters that start inline markup anywhere in a line (CommonMark lets any ASCII punctuation be escaped). */
const INLINE = /[\\`*_[\]<>|~#!]/g;

/** One line of text, shown literally: inline markup escaped, `&` and `<` as entities so no HTML survives. */
export function mdInline(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(INLINE, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))
      // At the start of a line these would open a list or make a heading underline / thematic break.
      .replace(/^(\s*)([-+])(?=\s|$)/, '$1\\$2')
      .replace(/^(\s*)([-=])(?=[-=\s]*$)/, '$1\\$2')
      .replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
  );
}

/** Prose of several lines: each line escaped, line breaks kept (a trailing backslash is a hard break). */
export function mdProse(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((para) =>
      para
        .split('\n')
        .map((l) => mdInline(l.trim()))
        .join('\\\n'),
    )
    .join('\n\n');
}

/** A table cell: one line, pipes escaped, line breaks as <br>. */
export const mdCell = (text: string): string =>
  text
    .trim()
    .split(/\r?\n/)
    .map((l) => mdInline(l))
    .join('<br>');

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
export const fenceFor = (text: string): string =>
  '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));

/** A fenced code block: its content is shown verbatim, no escaping needed (or possible). */
export function mdCode(text: string, info = ''): string {
  const fence = fenceFor(text);
  return `${fence}${info}\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}
