/**
 * The profile's long texts (notes, mitigation, remediation, methodology) mix sentences with
 * snippets: a cluster.yml fragment, `ls -al` output. A paragraph of one line is prose (its
 * `backtick` spans are code); a paragraph of several lines, or an indented one, is a snippet
 * whose line breaks and indentation matter, shown preformatted.
 */
export type Span = { code: boolean; text: string };
export type Block = { kind: 'prose'; spans: Span[] } | { kind: 'pre'; text: string };

/** Splits one line into text and `code` spans; an unmatched backtick stays text. */
export function spans(line: string): Span[] {
  const out: Span[] = [];
  const re = /`([^`\n]+)`/g;
  let last = 0;
  for (const m of line.matchAll(re)) {
    if (m.index > last) out.push({ code: false, text: line.slice(last, m.index) });
    out.push({ code: true, text: m[1] ?? '' });
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ code: false, text: line.slice(last) });
  return out;
}

export function blocks(text: string): Block[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\s+$/g, ''))
    .filter((p) => p.trim() !== '')
    .map((p): Block =>
      p.includes('\n') || /^\s/.test(p)
        ? { kind: 'pre', text: p }
        : { kind: 'prose', spans: spans(p) },
    );
}
