import type { ClusterReport, NodeReport } from '../types.js';
import type { Paint } from './colors.js';
import type { Rendered } from './rendered.js';
import type { TrendPoint } from './trend-svg.js';

export interface FormatOptions {
  /** Terminal colours (text only); the CLI decides, formatters never look at the terminal. */
  paint?: Paint;
  /** Also show the evidence of passing controls (text only). */
  verbose?: boolean;
  /** Columns text output fills its prose to (text only); the CLI gives the terminal's. @default 100 */
  width?: number;
  /** The node's scored pass rate over its stored scans, oldest first (html only). */
  trend?: readonly TrendPoint[];
}

/** A node report's formatter: a node report is small, and its text is one string. */
export type Formatter = (report: NodeReport, options: FormatOptions) => string;

/**
 * A cluster report's formatter (src/report/formatters/cluster-*.ts): its text grows with the
 * nodes, so it may come in pieces (rendered.ts).
 */
export type ClusterFormatter = (report: ClusterReport, options: FormatOptions) => Rendered;

/** One output format: what the CLI offers, and its two formatters, each loaded when first used. */
export interface Format {
  /** The extension of a file in this format, without the dot (the golden files use it). */
  extension: string;
  /** What the document is, in a few words (--help). */
  description: string;
  node: () => Promise<Formatter>;
  cluster: () => Promise<ClusterFormatter>;
}
