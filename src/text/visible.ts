/**
 * Text from outside rkecis (node, cluster and host names, waiver fields, evidence values, file
 * names, arguments) shown where a reader acts on control characters: a terminal obeys ESC, CSI
 * and OSC sequences (colour, cursor moves, window titles, hyperlinks, even clipboard writes), a
 * carriage return overwrites the line, and bidirectional overrides make text display in another
 * order than it is read ("Trojan Source", CVE-2021-42574); a Markdown table breaks at a newline.
 * Every such character is shown as an escape instead, the way a JavaScript string would write it:
 * `\x1b`, `\x9b`, `\r`, `\u202e`. Only the escape character is made visible, so what follows it
 * (`[31m`) is plain text. A backslash in the input is left as it is: the output shows what the
 * input said, and no escape in it can act.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls (U+009B is a CSI by itself), the Arabic letter
 * mark, LRM/RLM, the bidi embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069),
 * and the Unicode line and paragraph separators (a line break to some renderers).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** The same, and tab and newline: for text that must stay on one line. */
const UNSAFE_OR_BREAK =
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const n = c.charCodeAt(0);
  return n <= 0xff
    ? `\\x${n.toString(16).padStart(2, '0')}`
    : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** Text of any number of lines, safe to show: tab and newline kept, every other control escaped. */
export const visible = (text: string): string => text.replace(UNSAFE, escape);

/** Text that must stay on one line (a message, a name in a list): newlines and tabs escaped too. */
export const oneLine = (text: string): string => text.replace(UNSAFE_OR_BREAK, escape);
