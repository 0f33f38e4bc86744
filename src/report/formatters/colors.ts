import type { Status } from '../types.js';

/** Colour is passed in by the CLI (terminal, NO_COLOR), never read from global state here. */
export interface Paint {
  status(s: Status, text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const esc = (code: string) => (t: string) => `\u001b[${code}m${t}\u001b[0m`;
const STATUS_CODES: Record<Status, string> = {
  pass: '32',
  fail: '31',
  error: '35',
  'not-applicable': '90',
  manual: '33',
};

export const colours: Paint = {
  status: (s, t) => esc(STATUS_CODES[s])(t),
  bold: esc('1'),
  dim: esc('2'),
};

export const plain: Paint = { status: (_s, t) => t, bold: (t) => t, dim: (t) => t };
