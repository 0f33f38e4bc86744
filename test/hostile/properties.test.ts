import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { bitmask } from '../../src/engine/operators/bitmask.js';
import { parseEvidence, readEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { loadProfile, loadProfileFromYaml } from '../../src/profiles/load.js';
import { FORMAT_NAMES } from '../../src/report/formatters/index.js';
import { formatters } from '../helpers/formatters.js';
import { loadWaivers } from '../../src/waivers/load.js';
import { plain } from '../../src/report/formatters/colors.js';
import type { NodeReport } from '../../src/report/types.js';
import { HARDENED } from './hardened-node.js';
import { META, SECTION } from './profiles.cases.js';
import { tempDir } from './harness.js';

/**
 * Property tests over the same inputs as the corpus: whatever is thrown at rkecis, it ends in an
 * InputError (exit 2) or a report, never in another exception, and never in a pass it did not prove.
 */
const profile = loadProfile('rke-cis-1.3.0');
const tmp = tempDir('properties');
afterAll(tmp.remove);
let n = 0;

/** Exit 2 (an InputError) or a value; anything else thrown fails the property. */
function attempt<T>(f: () => T): T | InputError {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
}

/** Every format renders; JSON and SARIF parse, JUnit is well-formed XML. */
function renderAll(report: NodeReport): void {
  for (const name of FORMAT_NAMES) {
    const out = formatters[name](report, { paint: plain, verbose: true });
    expect(typeof out).toBe('string');
    if (name === 'json' || name === 'sarif') JSON.parse(out);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- as test/report does
    if (name === 'junit') expect(XMLValidator.validate(out)).toBe(true);
    // Evidence cannot drive a terminal or truncate a C string: no escape or NUL gets through raw
    // (JSON escapes C0 controls as \u001b; it may carry a C1 control as the character itself).
    expect(out, name).not.toMatch(
      // eslint-disable-next-line no-control-regex -- control characters are what is looked for
      name === 'json' || name === 'sarif' ? /[\u0000\u001b]/ : /[\u0000\u001b\u009b]/,
    );
  }
}

const CONTAINERS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
  'kubelet',
] as const;
/** Arguments that look like flags often: the parser's interesting cases. */
/** Characters that break formats and terminals when they get through raw. */
const nasty = fc.string({
  unit: fc.constantFrom(
    '\u0000',
    '\u001b',
    '\u009b',
    '[',
    '\n',
    '\r',
    '<',
    '&',
    ']]>',
    '`',
    '|',
    '"',
    'a',
    '-',
    '=',
    '\ud800',
  ),
});
const arg = fc.oneof(
  fc.string(),
  nasty,
  nasty.map((v) => `--anonymous-auth=${v}`),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '--',
    '-',
    '',
    '--=',
    '=',
    '--anonymous-auth',
    '--profiling',
    'false',
    'true',
    '--enable-admission-plugins=AlwaysAdmit',
  ),
  fc
    .tuple(
      fc.constantFrom('--', '-', '---'),
      fc.string(),
      fc.constantFrom('', '=', '=false', '=true', '=0', '\n'),
    )
    .map((p) => p.join('')),
);

describe('properties (fast-check)', () => {
  it('any JSON value given as evidence: an InputError or a report that every format renders', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const got = attempt(() => parseEvidence(value, 'prop.json'));
        if (got instanceof InputError) {
          expect(got.message.startsWith('prop.json: ')).toBe(true);
          return;
        }
        renderAll({ rkecisVersion: 'test', ...evaluate(profile, got) });
      }),
      { numRuns: 300 },
    );
  });

  it('the hardened bundle with any one field replaced by any JSON value: an InputError or a report', () => {
    const paths: string[][] = [];
    const walk = (v: unknown, at: string[]): void => {
      paths.push(at);
      if (v !== null && typeof v === 'object' && at.length < 6) {
        for (const [k, child] of Object.entries(v)) walk(child, [...at, k]);
      }
    };
    walk(HARDENED, []);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths.filter((p) => p.length > 0)),
        fc.jsonValue(),
        (path, value) => {
          const copy = structuredClone(HARDENED) as unknown as Record<string, unknown>;
          let parent = copy;
          for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
          parent[path.at(-1) as string] = value;
          const got = attempt(() => parseEvidence(copy, 'mutated.json'));
          if (got instanceof InputError) return;
          const report = evaluate(profile, got);
          expect(report.results.length).toBeGreaterThan(0);
          renderAll({ rkecisVersion: 'test', ...report });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any bytes in a bundle file: readEvidence ends in an InputError or evidence, and quotes no input', () => {
    const SECRET = 'Zq8SECRETzq8';
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const path = join(tmp.dir, `bytes-${++n}.json`);
        writeFileSync(path, `${before}${SECRET}${after}`);
        const got = attempt(() => readEvidence(path));
        expect(got).toBeInstanceOf(InputError);
        expect((got as InputError).message).not.toContain(SECRET);
        expect((got as InputError).message).not.toMatch(/[\n\r]/);
      }),
      { numRuns: 200 },
    );
  });

  it('any args for any container: evaluate never throws, and an absent container never passes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CONTAINERS),
        fc.array(arg, { maxLength: 40 }),
        fc.constantFrom(...CONTAINERS),
        (container, args, gone) => {
          const present = HARDENED.containers[container];
          if (present?.status !== 'present') throw new Error(container);
          const evidence: Evidence = {
            ...HARDENED,
            containers: {
              ...HARDENED.containers,
              [container]: { ...present, args },
              [gone]: { status: 'absent' },
            },
          };
          const report = evaluate(profile, evidence);
          renderAll({ rkecisVersion: 'test', ...report });
          const needs = (id: string): boolean => {
            const c = profile.controls.find((x) => x.id === id)?.check;
            return c !== undefined && 'container' in c && c.container === gone;
          };
          for (const r of report.results) {
            if (needs(r.id)) expect(r.status, `${r.id} with ${gone} absent`).toBe('error');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('whatever comes before it, a later --anonymous-auth=true or --profiling=true never passes', () => {
    fc.assert(
      fc.property(
        fc.array(arg, { maxLength: 30 }),
        fc.constantFrom('--anonymous-auth', '--profiling', '--anonymous_auth'),
        (args, flag) => {
          const apiserver = HARDENED.containers['kube-apiserver'];
          if (apiserver?.status !== 'present') throw new Error('kube-apiserver');
          const evidence: Evidence = {
            ...HARDENED,
            // (A `--` would end the flags: what follows it is not a flag, for the component either.)
            containers: {
              ...HARDENED.containers,
              'kube-apiserver': {
                ...apiserver,
                args: [...apiserver.args, ...args.filter((a) => a !== '--'), `${flag}=true`],
              },
            },
          };
          const report = evaluate(profile, evidence);
          const id = flag.includes('profiling') ? '1.1.8' : '1.1.1';
          expect(report.results.find((r) => r.id === id)?.status).not.toBe('pass');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bitmask agrees with the arithmetic on any mode and mask', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0o7777 }),
        fc.integer({ min: 0, max: 0o7777 }),
        (mode, mask) => {
          const reference = (mode & ~mask) === 0;
          expect(bitmask(mode.toString(8), mask.toString(8))).toBe(reference);
          // Zero-padded and with stray spaces, as a profile or stat may write them.
          expect(
            bitmask(` ${mode.toString(8).padStart(4, '0')}`, mask.toString(8).padStart(3, '0')),
          ).toBe(reference);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a file-mode control passes exactly when no bit is outside its mask', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0o7777 }), (mode) => {
        const file = HARDENED.files['/etc/kubernetes/ssl/kube-ca.pem'];
        if (file?.status !== 'present') throw new Error('kube-ca.pem');
        const evidence: Evidence = {
          ...HARDENED,
          files: {
            ...HARDENED.files,
            '/etc/kubernetes/ssl/kube-ca.pem': { ...file, mode: mode.toString(8) },
          },
        };
        const status = evaluate(profile, evidence).results.find((r) => r.id === '2.2.7')?.status;
        expect(status).toBe((mode & ~0o644) === 0 ? 'pass' : 'fail');
      }),
      { numRuns: 500 },
    );
  });

  it('any YAML given as waivers: loads or is an InputError naming the file', () => {
    const value = fc.anything({
      maxDepth: 4,
      withNullPrototype: false,
      withBigInt: false,
      withDate: false,
      withTypedArray: false,
      withSparseArray: false,
      withMap: false,
      withSet: false,
      withObjectString: false,
      withBoxedValues: false,
    });
    const waiver = fc.record(
      {
        control: fc.oneof(fc.constantFrom('1.1.21', '2.1.9', '1.1'), fc.string()),
        justification: fc.oneof(fc.string(), value),
        expires: fc.oneof(fc.constantFrom('2025-12-31', '2025-02-30'), fc.string()),
        scope: value,
      },
      { requiredKeys: [] },
    );
    const doc = fc.oneof(
      fc.record(
        {
          apiVersion: fc.constantFrom('rkecis.io/v1', 'v1'),
          kind: fc.constantFrom('Waivers', 'Profile'),
          waivers: fc.oneof(fc.array(waiver), value),
        },
        { requiredKeys: [] },
      ),
      value,
    );
    fc.assert(
      fc.property(
        fc.oneof(
          doc.map((d) => (stringify(d) as string | undefined) ?? ''),
          fc.string(),
        ),
        (text) => {
          const path = join(tmp.dir, `w-${++n}.yaml`);
          writeFileSync(path, text);
          const got = attempt(() => loadWaivers(path));
          if (got instanceof InputError) {
            expect(got.message).toContain(`w-${n}.yaml`);
            expect(got.message).not.toMatch(/\n/);
          } else expect(Array.isArray(got.waivers)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a profile section with any one line changed: loads or is an InputError naming file:line:column', () => {
    const lines = SECTION.replace("'REGEX'", "'\\S'").split('\n');
    fc.assert(
      fc.property(
        fc.nat(lines.length - 1),
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            '    op: regex',
            '  - *a',
            'a: &a [*a]',
            '\t',
            ': :',
            "    value: '('",
            '    max: 9999',
          ),
        ),
        (i, line) => {
          const dir = join(tmp.dir, `profile-${++n}`);
          const edited = [...lines];
          edited[i] = line;
          mkdirSync(dir);
          writeFileSync(join(dir, 'profile.yaml'), META);
          writeFileSync(join(dir, 's.yaml'), edited.join('\n'));
          const got = attempt(() => loadProfileFromYaml(dir));
          if (got instanceof InputError)
            expect(got.message).toMatch(/(profile|s)\.yaml(:\d+:\d+)?: /);
          else expect(got.controls.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
