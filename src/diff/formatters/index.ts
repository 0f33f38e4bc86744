import type { ScanDiff } from '../types.js';
import { markdown } from './markdown.js';
import { text, type DiffTextOptions } from './text.js';

export type DiffFormatter = (diff: ScanDiff, options?: DiffTextOptions) => string;

const json: DiffFormatter = (d) => `${JSON.stringify(d, null, 2)}\n`;

/** Every diff output format; `rkecis diff --format` choices come from these keys. */
const diffFormatters = { text, json, markdown } satisfies Record<string, DiffFormatter>;

export default diffFormatters;
export type DiffFormatName = keyof typeof diffFormatters;
export const DIFF_FORMAT_NAMES = Object.keys(diffFormatters) as DiffFormatName[];
