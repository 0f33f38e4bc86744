import type { NodeReport } from '../types.js';
import type { Paint } from './colors.js';
import { json } from './json.js';
import { text } from './text.js';

export interface FormatOptions {
  paint?: Paint;
  verbose?: boolean;
}

export type Formatter = (report: NodeReport, options: FormatOptions) => string;

/** Every output format; the CLI's --format choices come from these keys. */
const formatters = {
  text,
  json,
} satisfies Record<string, Formatter>;

export default formatters;
export type FormatName = keyof typeof formatters;
export const FORMAT_NAMES = Object.keys(formatters) as FormatName[];
