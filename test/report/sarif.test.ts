import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import { loadProfile } from '../../src/profiles/load.js';
import { sarif } from '../../src/report/formatters/sarif.js';
import { bareReport, sampleReport } from '../helpers/sample-report.js';

/**
 * test/fixtures/sarif-2.1.0.schema.json is the SARIF 2.1.0 JSON Schema (final "rtm.5" text, the
 * one SchemaStore serves as sarif-2.1.0-rtm.5.json), copied unchanged from the MIT-licensed npm
 * package @microsoft/jest-sarif 1.0.0-beta.0 (lib/schemas/). It is JSON Schema draft-04, hence
 * ajv-draft-04.
 */
const schema = JSON.parse(
  readFileSync(new URL('../fixtures/sarif-2.1.0.schema.json', import.meta.url), 'utf8'),
) as object;
// The schema's language pattern ("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$") is not valid with the u flag.
// CommonJS modules: under NodeNext their default export is the `default` property.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

interface Log {
  version: string;
  runs: {
    tool: {
      driver: { name: string; version?: string; rules: { id: string; help: { text: string } }[] };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      suppressions?: { justification: string }[];
    }[];
  }[];
}

describe('sarif', () => {
  for (const [name, make] of [
    ['sample', sampleReport],
    ['bare', bareReport],
  ] as const) {
    it(`is valid against the SARIF 2.1.0 schema (${name} report)`, () => {
      const log: unknown = JSON.parse(sarif(make()));
      const ok = validate(log);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  it('is valid for the whole profile on the example nodes', () => {
    const profile = loadProfile('rke-cis-1.3.0');
    for (const file of ['examples/hardened-node.json', 'examples/insecure-node.json']) {
      const log: unknown = JSON.parse(sarif(evaluate(profile, readEvidence(file))));
      expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    }
  });

  it('the schema rejects a broken log (the validator is really checking)', () => {
    const log = JSON.parse(sarif(sampleReport())) as Log;
    (log.runs[0]?.results[0] as Record<string, unknown>).level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('has one rule per control, with its help text, and results for fail and error only', () => {
    const report = sampleReport();
    const log = JSON.parse(sarif(report)) as Log;
    const run = log.runs[0];
    expect(log.version).toBe('2.1.0');
    expect(run?.tool.driver.name).toBe('rkecis');
    expect(run?.tool.driver.version).toBe('0.0.0-test');
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual([
      '1.1.2',
      '1.1.10',
      '1.1.21',
      '1.4.1',
      '1.4.11',
      '1.6.1',
      '2.1.9',
    ]);
    expect(run?.tool.driver.rules.every((r) => r.help.text.includes('Remediation:'))).toBe(true);
    expect(run?.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['1.1.10', 'error'],
      ['1.1.21', 'error'],
      ['1.4.11', 'error'],
      ['2.1.9', 'warning'],
    ]);
    for (const r of run?.results ?? [])
      expect(run?.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
  });

  it('shows a waived failure as an accepted external suppression with its justification', () => {
    const run = (JSON.parse(sarif(sampleReport())) as Log).runs[0];
    const waived = run?.results.filter((r) => r.suppressions !== undefined);
    expect(waived?.map((r) => [r.ruleId, r.suppressions?.[0]?.justification])).toEqual([
      ['1.1.21', 'Rancher known failure; ACLs restrict 10250/tcp.'],
    ]);
  });
});
