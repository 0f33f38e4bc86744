import { oneLine, visible } from '../../text/visible.js';
import { blocks } from './prose.js';

/**
 * Markdown escaping. Evidence text can hold anything (pipes, backticks, `<script>`, escape
 * sequences), and Markdown renderers pass raw HTML through, so every piece of text is escaped for
 * where it lands; control characters and bidi overrides are shown escaped (src/text/visible.ts),
 * since a Markdown file is read in a terminal as often as rendered.
 */

/** Characters that start inline markup anywhere in a line (CommonMark lets any ASCII punctuation be escaped). */
const INLINE = /[\\`*_[\]<>|~#!]/g;

/** One line of text, shown literally: inline markup escaped, `&` and `<` as entities so no HTML survives. */
export function mdInline(text: string): string {
  return (
    oneLine(text)
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

/** A fenced code block: its content is shown verbatim but for control characters (shown escaped). */
export function mdCode(text: string, info = ''): string {
  const shown = visible(text.replace(/\r\n?/g, '\n'));
  const fence = fenceFor(shown);
  return `${fence}${info}\n${shown}\n${fence}`;
}

/** An inline code span: fenced with more backticks than it holds, on one line. */
export function mdCodeSpan(text: string): string {
  const shown = oneLine(text);
  const fence = '`'.repeat(Math.max(1, ...[...shown.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/** Profile prose: sentences escaped with their `code` spans kept; snippets as code blocks. */
export function mdBlocks(text: string): string {
  return blocks(text)
    .map((b) =>
      b.kind === 'pre'
        ? mdCode(b.text, 'text')
        : b.spans.map((s) => (s.code ? mdCodeSpan(s.text) : mdInline(s.text))).join(''),
    )
    .join('\n\n');
}
