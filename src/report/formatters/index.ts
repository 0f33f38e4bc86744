import type { TrendPoint } from './trend-svg.js';
import { isClusterReport, type AnyReport, type ClusterReport, type NodeReport } from '../types.js';
import { clusterHtml } from './cluster-html.js';
import { clusterJson } from './cluster-json.js';
import { clusterJunit } from './cluster-junit.js';
import { clusterMarkdown } from './cluster-markdown.js';
import { clusterSarif } from './cluster-sarif.js';
import { clusterText } from './cluster-text.js';
import type { Paint } from './colors.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import type { FormatName } from './names.js';
import type { Rendered } from './rendered.js';
import { sarif } from './sarif.js';
import { text } from './text.js';

export { FORMAT_NAMES, type FormatName } from './names.js';

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
/** A formatter of either kind of report: the cluster's rendering for `kind: 'cluster'`. */
export interface AnyFormatter {
  (report: NodeReport, options: FormatOptions): string;
  (report: AnyReport, options: FormatOptions): Rendered;
}

/** One format: its node rendering and its cluster rendering. */
export const bothKinds = (node: Formatter, cluster: ClusterFormatter): AnyFormatter =>
  // One function has both signatures: a node report always takes the node branch, a string.
  ((report: AnyReport, options: FormatOptions): Rendered =>
    isClusterReport(report) ? cluster(report, options) : node(report, options)) as AnyFormatter;

/** Every output format, for node and cluster reports alike; the keys are FORMAT_NAMES. */
const formatters: Record<FormatName, AnyFormatter> = {
  text: bothKinds(text, clusterText),
  json: bothKinds(json, clusterJson),
  junit: bothKinds(junit, clusterJunit),
  sarif: bothKinds(sarif, clusterSarif),
  markdown: bothKinds(markdown, clusterMarkdown),
  html: bothKinds(html, clusterHtml),
};

export default formatters;
