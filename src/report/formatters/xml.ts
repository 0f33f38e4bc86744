/**
 * Characters XML 1.0 forbids even as references (C0 controls but tab, newline and carriage
 * return; lone surrogates; U+FFFE and U+FFFF). Evidence text is arbitrary, so they are dropped
 * rather than making the file unparsable.
 */
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const clean = (s: string): string => s.replace(FORBIDDEN, '');

/** Text content: `&`, `<` and `>` escaped (`>` for the `]]>` sequence). */
export const xmlText = (s: string): string =>
  clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Attribute values: also quotes, and newlines and tabs as references, which parsers would otherwise fold into spaces. */
export const xmlAttr = (s: string): string =>
  xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
