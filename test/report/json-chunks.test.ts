import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks, jsonSequence } from '../../src/report/formatters/json-chunks.js';

/** jsonChunks must be JSON.stringify(value, null, 2) cut into pieces, whatever the value. */
const joined = (value: unknown): string | undefined => {
  const pieces = [...jsonChunks(value)];
  return pieces.length === 0 ? undefined : pieces.join('');
};
const same = (value: unknown): void => {
  expect(joined(value)).toBe(JSON.stringify(value, null, 2));
};

/** Any UTF-16 code unit: controls, quotes, backslashes, lone surrogate halves. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const text = fc.oneof(
  fc.string({ unit: codeUnit }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u2028', 'é', '😀') }),
);
const key = fc.oneof(text, fc.constantFrom('0', '10', '2', '-1', '01', '__proto__', 'toJSON', ''));
const leaf = fc.oneof(
  text,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.date({ noInvalidDate: false }),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value')),
    fc.sparseArray(tie('value')),
    fc.dictionary(key, tie('value')),
    fc.array(tie('value')).map((items) => jsonSequence(() => items)),
  ),
}));

describe('jsonChunks', () => {
  it('is JSON.stringify(value, null, 2) for any value', () => {
    fc.assert(
      fc.property(value, (v) => {
        same(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out undefined members, nulls undefined items, and keeps empty containers on one line', () => {
    const v = {
      a: undefined,
      b: [undefined, () => 0, {}, [], [[]], { x: undefined }],
      c: { d: {}, e: [] },
      f: Symbol('gone'),
    };
    same(v);
    expect(joined(v)).toContain(
      '"b": [\n    null,\n    null,\n    {},\n    [],\n    [\n      []\n    ],\n    {}\n  ]',
    );
    expect(joined(v)).not.toContain('"a"');
  });

  it('escapes as JSON.stringify does, keys too', () => {
    const v = {
      'k"\\\n\u0000\ud800': ['\u001b[31m', '\udfff', '\u2028\u2029', 'ü😀', '</script>'],
    };
    same(v);
    expect(joined(v)).toContain('\\ud800');
    // Strings met again (remembered quoted) and long ones (not remembered) come out the same.
    const again = 'n\u0001"é';
    const long = 'x"'.repeat(200);
    same({
      a: { [again]: again, [long]: long },
      b: { [again]: again, [long]: long },
      c: [again, long, again, long],
    });
  });

  it('honours toJSON and unwraps boxed primitives', () => {
    same({
      when: new Date(Date.UTC(2026, 0, 2)),
      // JSON.stringify unwraps them.
      boxed: [new Number(3), new String('s'), new Boolean(false)] as unknown[],
      custom: { toJSON: (k: string) => `key ${k}` },
      gone: { toJSON: () => undefined },
    });
  });

  it('gives nothing where JSON.stringify gives undefined, and top-level scalars whole', () => {
    expect(joined(undefined)).toBeUndefined();
    expect(joined(() => 1)).toBeUndefined();
    for (const v of ['x', 0, -0, NaN, Infinity, 1e21, true, null]) same(v);
  });

  it('throws on a cycle, as JSON.stringify does', () => {
    const a: Record<string, unknown> = { b: 1 };
    a.self = { a };
    expect(() => [...jsonChunks(a)]).toThrow(TypeError);
    // The same object twice, side by side, is not a cycle.
    const shared = { x: 1 };
    same({ p: shared, q: [shared, shared] });
  });

  it('writes a sequence as the array of its items, made only as they are written', () => {
    let made = 0;
    const items = function* (): Generator<{ i: number }> {
      for (let i = 0; i < 3; i++) {
        made++;
        yield { i };
      }
    };
    const v = { list: jsonSequence(items), empty: jsonSequence(() => []) };
    const pieces = jsonChunks(v);
    expect(made).toBe(0);
    expect([...pieces].join('')).toBe(JSON.stringify(v, null, 2));
    expect(JSON.parse(JSON.stringify(v)) as unknown).toEqual({
      list: [{ i: 0 }, { i: 1 }, { i: 2 }],
      empty: [],
    });
  });

  it('hands a big document over in pieces of about 64 KiB, never whole', () => {
    const map = Object.fromEntries(
      Array.from({ length: 50_000 }, (_, i) => [`node-${i}`, i % 3 === 0 ? 'fail' : 'pass']),
    );
    const v = { results: [{ id: '1.1.1', nodes: map, failing: Object.keys(map) }] };
    const pieces = [...jsonChunks(v)];
    expect(pieces.length).toBeGreaterThan(20);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(64 * 1024 + 100);
    expect(pieces.join('')).toBe(JSON.stringify(v, null, 2));
  });
});
