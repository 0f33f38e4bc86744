import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { junit } from '../../src/report/formatters/junit.js';
import { HOSTILE, sampleReport } from '../helpers/sample-report.js';

interface Testcase {
  '@_name': string;
  '@_classname': string;
  failure?: { '#text': string; '@_message': string; '@_type': string };
  skipped?: { '@_message': string };
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_skipped': string;
  testcase: Testcase[];
}

const parse = (xml: string): { testsuites: Record<string, string> & { testsuite: Suite[] } } =>
  new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
    // Keep text exactly as written: no number parsing, no trimming.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
  }).parse(xml) as { testsuites: Record<string, string> & { testsuite: Suite[] } };

describe('junit', () => {
  const xml = junit(sampleReport());

  it('is well-formed XML', () => {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- pinned 5.12.1; its validator still checks well-formedness
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('groups one testcase per control by section', () => {
    const { testsuites } = parse(xml);
    expect(testsuites['@_tests']).toBe('7');
    expect(testsuites['@_failures']).toBe('4');
    expect(testsuites['@_skipped']).toBe('2');
    expect(testsuites.testsuite.map((s) => [s['@_name'], s.testcase.length])).toEqual([
      ['1.1 API Server', 3],
      ['1.4 Configuration Files', 2],
      ['1.6 General Security Primitives', 1],
      ['2.1 Kubelet', 1],
    ]);
  });

  it('reports fail and error as failures with the remediation, n/a and manual as skipped', () => {
    const cases = parse(xml).testsuites.testsuite.flatMap((s) => s.testcase);
    const byId = new Map(cases.map((c) => [c['@_name'].split(' ')[0], c]));
    expect(byId.get('1.1.2')?.failure).toBeUndefined();
    expect(byId.get('1.1.2')?.skipped).toBeUndefined();
    expect(byId.get('1.4.11')?.failure?.['@_type']).toBe('error');
    expect(byId.get('1.4.11')?.failure?.['#text']).toContain(
      'Remediation:\nchmod 700 /var/lib/etcd',
    );
    expect(byId.get('1.1.21')?.failure?.['@_message']).toMatch(/^\[waived\] /);
    expect(byId.get('1.1.21')?.failure?.['#text']).toContain('Waived: Rancher known failure');
    expect(byId.get('1.4.1')?.skipped?.['@_message']).toBe(
      'not-applicable: RKE runs the API server as a container, not a static pod.',
    );
    expect(byId.get('1.6.1')?.skipped?.['@_message']).toMatch(/^manual: /);
  });

  it('carries hostile evidence through as text, control characters made visible', () => {
    const cases = parse(xml).testsuites.testsuite.flatMap((s) => s.testcase);
    const text = cases.find((c) => c['@_name'].startsWith('1.1.10 '))?.failure?.['#text'] ?? '';
    const decoded = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(decoded).toContain(`Actual: ${HOSTILE.replace('\u0001', '\\x01')}`);
  });

  it('drops characters XML 1.0 cannot hold, so the file always parses', () => {
    const report = sampleReport();
    const bad = {
      ...report,
      results: report.results.map((r) => ({ ...r, title: `${r.title}\u0000\uFFFE\uD800` })),
    };
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- pinned 5.12.1; its validator still checks well-formedness
    expect(XMLValidator.validate(junit(bad))).toBe(true);
  });
});
