import type { NodeReport, ProfileInfo, Result } from '../types.js';
import { controlHeading, waiverDetail } from './labels.js';
import { groupResults } from '../order.js';
import { visible } from './visible.js';
import { xmlAttr, xmlText } from './xml.js';

/** What a CI viewer shows under a failed test: what was found, what was wanted, how to fix it. */
function failureBody(r: Result): string {
  const lines = [`Actual: ${visible(r.actual)}`, `Expected: ${r.expected}`];
  if (r.reason !== undefined) lines.push(`Reason: ${visible(r.reason)}`);
  if (r.waiver !== undefined)
    lines.push(`Waived: ${r.waiver.justification} (${waiverDetail(r.waiver)})`);
  if (r.mitigation !== undefined) lines.push('', 'Mitigation:', r.mitigation.trimEnd());
  lines.push('', 'Remediation:', r.remediation.trimEnd());
  return lines.join('\n');
}

function failureMessage(r: Result): string {
  const what = visible(
    r.status === 'error' ? `could not be evaluated: ${r.reason ?? r.actual}` : `found ${r.actual}`,
  );
  return `${r.waiver !== undefined ? '[waived] ' : ''}${r.id} ${what}`;
}

function testcase(r: Result, classname: string): string[] {
  const open = `    <testcase name="${xmlAttr(controlHeading(r))}" classname="${xmlAttr(classname)}"`;
  switch (r.status) {
    case 'pass':
      return [`${open}/>`];
    case 'fail':
    case 'error':
      return [
        `${open}>`,
        `      <failure message="${xmlAttr(failureMessage(r))}" type="${r.status}">${xmlText(failureBody(r))}</failure>`,
        '    </testcase>',
      ];
    case 'not-applicable':
    case 'manual':
      return [
        `${open}>`,
        `      <skipped message="${xmlAttr(`${r.status}: ${r.reason ?? ''}`.trim())}"/>`,
        '    </testcase>',
      ];
  }
}

const counts = (rs: readonly Result[]): string => {
  const failures = rs.filter((r) => r.status === 'fail' || r.status === 'error').length;
  const skipped = rs.filter((r) => r.status === 'not-applicable' || r.status === 'manual').length;
  return `tests="${rs.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
};

/**
 * JUnit XML: one testsuite per guide section, one testcase per control. Fail and error are both
 * failures (a control that could not be checked is not a pass); not-applicable and manual are
 * skipped. Written by hand with one escaping helper, like vitest's JUnit reporter.
 */
export function junit(report: NodeReport): string {
  const node = report.node.name;
  const stamp =
    report.generatedAt !== undefined ? ` timestamp="${xmlAttr(report.generatedAt)}"` : '';
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(`rkecis ${report.profile.name} ${node}`)}" ${counts(report.results)}${stamp}>`,
  ];
  for (const group of groupResults(report)) {
    for (const s of group.sections) {
      out.push(
        `  <testsuite name="${xmlAttr(`${s.id} ${s.title}`)}" ${counts(s.results)} hostname="${xmlAttr(node)}"${stamp}>`,
        ...profileProperties(report.profile),
      );
      for (const r of s.results) out.push(...testcase(r, `${report.profile.name}.${s.id}`));
      out.push('  </testsuite>');
    }
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/**
 * Which profile judged, and why, as JUnit properties of each suite (JUnit has no place for them
 * on <testsuites>); nothing when the report does not say (a report made outside the CLI).
 */
export function profileProperties(profile: ProfileInfo): string[] {
  if (profile.choice === undefined) return [];
  return [
    '    <properties>',
    `      <property name="profile" value="${xmlAttr(profile.name)}"/>`,
    `      <property name="profileChoice" value="${xmlAttr(visible(profile.choice.reason))}"/>`,
    '    </properties>',
  ];
}
