import type { Formatter } from './index.js';

/**
 * The output formats by name, and each formatter loaded on its own: a run loads only the
 * formatters it writes with (index.ts loads them all, for code that wants the table).
 */
export type FormatName = 'text' | 'json' | 'junit' | 'sarif' | 'markdown' | 'html';

/** Every output format, in the order help lists them; --format and -o choose among these. */
export const FORMAT_NAMES: FormatName[] = ['text', 'json', 'junit', 'sarif', 'markdown', 'html'];

export async function loadFormatter(name: FormatName): Promise<Formatter> {
  switch (name) {
    case 'text':
      return (await import('./text.js')).text;
    case 'json':
      return (await import('./json.js')).json;
    case 'junit':
      return (await import('./junit.js')).junit;
    case 'sarif':
      return (await import('./sarif.js')).sarif;
    case 'markdown':
      return (await import('./markdown.js')).markdown;
    case 'html':
      return (await import('./html.js')).html;
  }
}
