/**
 * What a formatter hands over: the whole text, or its pieces in order. A cluster report of
 * 100,000 nodes is hundreds of megabytes of text, more than one string may hold, so the cluster
 * formatters are generators and the CLI writes each piece as it comes (src/cli/write-files.ts).
 * Node reports are small and stay one string.
 */
export type Rendered = string | Iterable<string>;

/** The whole text of a rendering: for tests and small outputs, never for a cluster's files. */
export function renderedText(rendered: Rendered): string {
  // A string is iterable too, one character at a time: taken whole.
  if (typeof rendered === 'string') return rendered;
  const pieces: string[] = [];
  for (const piece of rendered) pieces.push(piece);
  return pieces.join('');
}

/** The pieces of a rendering: a string is one piece, not its characters. */
export function* piecesOf(rendered: Rendered): Generator<string, void, undefined> {
  if (typeof rendered === 'string') yield rendered;
  else yield* rendered;
}

/** The pieces, with a final newline when the text does not end with one (as the CLI always wrote). */
export function* withFinalNewline(rendered: Rendered): Generator<string, void, undefined> {
  let last = '';
  for (const piece of piecesOf(rendered)) {
    if (piece === '') continue;
    last = piece;
    yield piece;
  }
  if (!last.endsWith('\n')) yield '\n';
}

/** Each line followed by a newline: `${lines.join('\n')}\n`, a line at a time. */
export function* eachLine(lines: Iterable<string>): Generator<string, void, undefined> {
  for (const line of lines) yield `${line}\n`;
}

/**
 * `${parts.join('\n').trimEnd()}\n` a part at a time: whitespace is held back until text follows
 * it, so the document still ends with exactly one newline.
 */
export function* trimmedLines(parts: Iterable<string>): Generator<string, void, undefined> {
  let held = '';
  let first = true;
  for (const part of parts) {
    const piece = first ? part : `\n${part}`;
    first = false;
    const text = piece.trimEnd();
    if (text === '') {
      held += piece;
      continue;
    }
    yield held + text;
    held = piece.slice(text.length);
  }
  yield '\n';
}
