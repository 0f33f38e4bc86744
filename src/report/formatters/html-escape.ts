/**
 * HTML escaping for text and attribute values. Evidence text is arbitrary: `<script>`, quotes
 * and control characters must come out as text, never as markup.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * C0 and C1 controls (but tab, newline, carriage return) and lone surrogates are not valid in
 * HTML text (a C1 control such as U+009B would also be a terminal's CSI in a copied line).
 */
const INVALID =
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const html = (s: string): string =>
  s.replace(INVALID, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
