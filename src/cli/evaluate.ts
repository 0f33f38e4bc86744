import type { Command } from 'commander';
import { addReportOptions, type ReportOptions } from './report-output.js';
import { evaluateAndReport } from './report-run.js';

export function register(program: Command, done: (code: number) => void): void {
  addReportOptions(
    program
      .command('evaluate')
      .description('evaluate an evidence bundle (from `rkecis collect`) against a profile')
      .argument('<evidence>', 'evidence JSON file, or - for stdin'),
  ).action(async (file: string, opts: ReportOptions) => {
    // Validating a bundle needs the evidence schema (zod): loaded here, not for every command.
    const { readEvidence } = await import('../evidence/read.js');
    done(await evaluateAndReport(readEvidence(file), opts));
  });
}
