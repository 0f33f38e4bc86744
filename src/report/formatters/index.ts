import type { NodeReport } from '../types.js';
import type { Paint } from './colors.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { sarif } from './sarif.js';
import { text } from './text.js';

export interface FormatOptions {
  /** Terminal colours (text only); the CLI decides, formatters never look at the terminal. */
  paint?: Paint;
  /** Also show the evidence of passing controls (text only). */
  verbose?: boolean;
}

export type Formatter = (report: NodeReport, options: FormatOptions) => string;

/** Every output format; the CLI's --format and -o choices come from these keys. */
const formatters = {
  text,
  json,
  junit,
  sarif,
  markdown,
  html,
} satisfies Record<string, Formatter>;

export default formatters;
export type FormatName = keyof typeof formatters;
export const FORMAT_NAMES = Object.keys(formatters) as FormatName[];
