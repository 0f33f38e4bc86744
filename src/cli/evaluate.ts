import type { Command } from 'commander';
import { readEvidence } from '../evidence/read.js';
import { addReportOptions, evaluateAndReport, type ReportOptions } from './report-output.js';

export function register(program: Command, done: (code: number) => void): void {
  addReportOptions(
    program
      .command('evaluate')
      .description('evaluate an evidence bundle (from `rkecis collect`) against a profile')
      .argument('<evidence>', 'evidence JSON file, or - for stdin'),
  ).action((file: string, opts: ReportOptions) => {
    done(evaluateAndReport(readEvidence(file), opts));
  });
}
