import type { ClusterFinding, ClusterReport, ClusterResult } from '../types.js';
import { findingNodes } from './cluster-labels.js';
import { profileProperties } from './junit.js';
import { controlHeading, waiverDetail } from './labels.js';
import { groupResults } from '../order.js';
import { eachLine } from './rendered.js';
import { visible } from './visible.js';
import { xmlAttr, xmlText } from './xml.js';

const failing = (f: ClusterFinding): boolean => f.status === 'fail' || f.status === 'error';

/** Every outcome, then how to fix the control: what a CI viewer shows under the failure. */
function failureBody(r: ClusterResult): string {
  const lines: string[] = [];
  for (const f of r.findings) {
    const on = r.scope === 'cluster' ? 'the cluster' : findingNodes(f, 50);
    const value = f.status === 'error' ? (f.reason ?? f.actual) : f.actual;
    lines.push(`${f.status} on ${on}: ${visible(value)}`);
    if (f.waiver !== undefined)
      lines.push(`  waived: ${f.waiver.justification} (${waiverDetail(f.waiver)})`);
  }
  lines.push(`Expected: ${r.expected}`);
  if (r.mitigation !== undefined) lines.push('', 'Mitigation:', r.mitigation.trimEnd());
  lines.push('', 'Remediation:', r.remediation.trimEnd());
  return lines.join('\n');
}

function failureMessage(r: ClusterResult): string {
  const bad = r.findings.filter(failing);
  const waived = bad.every((f) => f.waiver !== undefined) ? '[waived] ' : '';
  if (r.scope === 'cluster') {
    const f = bad[0];
    const what =
      f?.status === 'error'
        ? `could not be evaluated: ${f.reason ?? f.actual}`
        : `found ${f?.actual ?? ''}`;
    return `${waived}${r.id} ${visible(what)}`;
  }
  return `${waived}${r.id} ${bad.map((f) => `${f.status} on ${findingNodes(f, 10)}`).join('; ')}`;
}

function testcase(r: ClusterResult, classname: string): string[] {
  const open = `    <testcase name="${xmlAttr(controlHeading(r))}" classname="${xmlAttr(classname)}"`;
  if (r.findings.some(failing)) {
    const type = r.status === 'mixed' ? 'mixed' : r.status;
    return [
      `${open}>`,
      `      <failure message="${xmlAttr(failureMessage(r))}" type="${type}">${xmlText(failureBody(r))}</failure>`,
      '    </testcase>',
    ];
  }
  if (r.findings.every((f) => f.status === 'not-applicable' || f.status === 'manual')) {
    return [
      `${open}>`,
      `      <skipped message="${xmlAttr(`${r.status}: ${r.reason ?? ''}`.trim())}"/>`,
      '    </testcase>',
    ];
  }
  return [`${open}/>`];
}

function counts(rs: readonly ClusterResult[]): string {
  const failures = rs.filter((r) => r.findings.some(failing)).length;
  const skipped = rs.filter(
    (r) =>
      !r.findings.some(failing) &&
      r.findings.every((f) => f.status === 'not-applicable' || f.status === 'manual'),
  ).length;
  return `tests="${rs.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
}

function* junitLines(report: ClusterReport): Generator<string, void, undefined> {
  const name = report.cluster.name;
  const stamp =
    report.generatedAt !== undefined ? ` timestamp="${xmlAttr(report.generatedAt)}"` : '';
  const cov = report.coverage;
  const total = report.results.length + cov.scanned + cov.notScanned.length;
  const failures = report.results.filter((r) => r.findings.some(failing)).length;
  const skipped = counts(report.results).match(/skipped="(\d+)"/)?.[1] ?? '0';
  yield '<?xml version="1.0" encoding="UTF-8"?>';
  yield `<testsuites name="${xmlAttr(`rkecis ${report.profile.name} cluster ${name}`)}" tests="${total}" failures="${failures}" errors="${cov.notScanned.length}" skipped="${skipped}"${stamp}>`;
  yield `  <testsuite name="coverage" tests="${cov.scanned + cov.notScanned.length}" failures="0" errors="${cov.notScanned.length}" skipped="0" hostname="${xmlAttr(name)}"${stamp}>`;
  for (const n of report.nodes)
    yield `    <testcase name="${xmlAttr(`node ${n.name} scanned`)}" classname="coverage"/>`;
  for (const n of cov.notScanned) {
    yield `    <testcase name="${xmlAttr(`node ${n.name} scanned`)}" classname="coverage">`;
    yield `      <error message="${xmlAttr(`not scanned: ${visible(n.reason)}`)}" type="not-scanned">${xmlText(`${n.name}${n.source !== undefined ? ` (${n.source})` : ''}: ${visible(n.reason)}`)}</error>`;
    yield '    </testcase>';
  }
  yield '  </testsuite>';
  for (const group of groupResults(report)) {
    for (const s of group.sections) {
      yield `  <testsuite name="${xmlAttr(`${s.id} ${s.title}`)}" ${counts(s.results)} hostname="${xmlAttr(name)}"${stamp}>`;
      yield* profileProperties(report.profile);
      for (const r of s.results) yield* testcase(r, `${report.profile.name}.${s.id}`);
      yield '  </testsuite>';
    }
  }
  yield '</testsuites>';
}

/**
 * JUnit XML for a cluster: a "coverage" suite with one test case per node (a node that was not
 * scanned is an error), then one suite per guide section with one test case per control, failed
 * when the control fails or could not be evaluated on any node; the message names those nodes.
 * A line at a time: the coverage suite has a line per node.
 */
export const clusterJunit = (report: ClusterReport): Generator<string, void, undefined> =>
  eachLine(junitLines(report));
