import type { NodeReport } from '../types.js';

/** The JSON report: a public contract (see README), stable field names, results in profile order. */
export const json = (report: NodeReport): string => `${JSON.stringify(report, null, 2)}\n`;
