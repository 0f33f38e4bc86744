import { isClusterReport, type AnyReport, type NodeReport } from '../types.js';
import type { ClusterFormatter, Format, FormatOptions, Formatter } from './format.js';
import type { Rendered } from './rendered.js';

export type { ClusterFormatter, Format, FormatOptions, Formatter } from './format.js';

/**
 * Every output format, in the order help lists them: the one table that --format, -o, --help and
 * the golden tests read. A format's formatters are imported when first used, so a run loads only
 * those it writes with; this module itself imports none (it is on every report command's
 * start-up path).
 */
const FORMATS = {
  text: {
    extension: 'txt',
    description: "the guide's sections, failures with evidence and remediation, the verdict",
    node: async () => (await import('./text.js')).text,
    cluster: async () => (await import('./cluster-text.js')).clusterText,
  },
  json: {
    extension: 'json',
    description: 'the report as data: the public contract (README)',
    node: async () => (await import('./json.js')).json,
    cluster: async () => (await import('./cluster-json.js')).clusterJson,
  },
  junit: {
    extension: 'xml',
    description: 'JUnit XML: a test case per control, a suite per section',
    node: async () => (await import('./junit.js')).junit,
    cluster: async () => (await import('./cluster-junit.js')).clusterJunit,
  },
  sarif: {
    extension: 'sarif',
    description: 'SARIF 2.1.0: a rule per control, a result per failure',
    node: async () => (await import('./sarif.js')).sarif,
    cluster: async () => (await import('./cluster-sarif.js')).clusterSarif,
  },
  markdown: {
    extension: 'md',
    description: 'the self-assessment document, filled in',
    node: async () => (await import('./markdown.js')).markdown,
    cluster: async () => (await import('./cluster-markdown.js')).clusterMarkdown,
  },
  html: {
    extension: 'html',
    description: 'the self-assessment document as one self-contained page',
    node: async () => (await import('./html.js')).html,
    cluster: async () => (await import('./cluster-html.js')).clusterHtml,
  },
} satisfies Record<string, Format>;

export type FormatName = keyof typeof FORMATS;

const formats: Record<FormatName, Format> = FORMATS;
export default formats;

/** Every format's name, in help order; --format and -o choose among these. */
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

/** A formatter of either kind of report: the cluster's rendering for `kind: 'cluster'`. */
export interface AnyFormatter {
  (report: NodeReport, options: FormatOptions): string;
  (report: AnyReport, options: FormatOptions): Rendered;
}

/** One format's formatters as one function, for callers that hold either kind of report. */
export async function loadAnyFormatter(name: FormatName): Promise<AnyFormatter> {
  const [node, cluster]: [Formatter, ClusterFormatter] = await Promise.all([
    formats[name].node(),
    formats[name].cluster(),
  ]);
  // One function has both signatures: a node report always takes the node branch, a string.
  return ((report: AnyReport, options: FormatOptions): Rendered =>
    isClusterReport(report) ? cluster(report, options) : node(report, options)) as AnyFormatter;
}
