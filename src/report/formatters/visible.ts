/**
 * Control characters in evidence (a stray escape sequence in a container argument, say) are shown
 * as `\xNN`, never passed through: raw, they could rewrite an auditor's terminal, vanish from a
 * document, or make an XML file unparsable. Tab and newline are kept.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this replaces
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export const visible = (text: string): string =>
  text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
