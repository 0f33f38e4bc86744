import type { Command } from 'commander';
import {
  addCollectOptions,
  chooseForNode,
  collectFromOptions,
  type CollectCliOptions,
} from './collect.js';
import { addReportOptions, type ReportOptions } from './report-output.js';
import { evaluateAndReport } from './report-run.js';

/** collect + evaluate in one run: same report and exit codes as `rkecis evaluate`. */
export function register(program: Command, done: (code: number) => void): void {
  addReportOptions(
    addCollectOptions(
      program.command('scan').description('scan this node: collect its evidence and evaluate it'),
    ),
  ).action(async (opts: CollectCliOptions & ReportOptions) => {
    const chosen = await chooseForNode(opts.profile, opts);
    const evidence = await collectFromOptions(chosen.name, opts);
    done(await evaluateAndReport(evidence, opts, chosen));
  });
}
