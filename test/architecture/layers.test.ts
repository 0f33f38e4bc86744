import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph, importsOf } from './imports.js';
import { checkLayers, describeProblems, layerProblems, LAYERS } from './layers.js';

/**
 * The layer order of src/ (docs/architecture.md, "Layers"): each module imports only modules of
 * lower layers or of its own folder, and no modules import each other in a cycle. Static,
 * type-only and dynamic imports all count. The fixtures under test/fixtures/layers/ are small
 * trees that break the order on purpose, each in one way, to show the check sees it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/layers/${name}/`, import.meta.url));

/**
 * Imports that break the order today and are being removed by work in flight. The test fails
 * when one of them is gone, so that this list only ever shrinks to empty.
 */
const PENDING: readonly string[] = [
  // #14 (h14-kinds): the operator names and the linear-time regex check move to src/profiles/.
  'src/profiles/schema.ts:2: static import of src/engine/operators/index.ts: inputs imports engine, a higher layer',
  'src/profiles/schema.ts:3: static import of src/engine/operators/regex.ts: inputs imports engine, a higher layer',
];

describe('the layers of src/', () => {
  const problems = layerProblems(ROOT);

  it('every module imports only down, or within its own folder, and none is in a cycle', () => {
    expect(problems.filter((p) => !PENDING.includes(p))).toEqual([]);
  });

  it('the imports waited for are still there (remove them from PENDING as they go)', () => {
    expect(PENDING.filter((p) => !problems.includes(p))).toEqual([]);
  });

  it('has a layer for every folder of src/, and each folder in one layer', () => {
    const folders = LAYERS.flatMap((l) => l.folders);
    expect(new Set(folders).size).toBe(folders.length);
    expect(checkLayers(importGraph(ROOT)).unplaced).toEqual([]);
  });

  it('docs/architecture.md shows the same layers, in the same order', () => {
    const doc = readFileSync(new URL('docs/architecture.md', `file://${ROOT}`), 'utf8');
    const section = doc.split('\n## Layers\n')[1]?.split('\n## ')[0] ?? '';
    const rows = section
      .split('\n')
      .filter((l) => /^\| \d+ /.test(l))
      .map((l) => l.split('|').map((c) => c.trim()));
    expect(
      rows.map((r) => [r[2], [...(r[3] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1])]),
    ).toEqual(LAYERS.map((l) => [l.name, [...l.folders]]));
  });
});

describe('the layer check itself', () => {
  it('passes a tree that keeps the order (static, type and dynamic imports, downward)', () => {
    expect(layerProblems(fixture('ordered'))).toEqual([]);
  });

  it('fails on a deliberately wrong import: the engine importing the CLI', () => {
    expect(layerProblems(fixture('upward'))).toEqual([
      'src/engine/evaluate.ts:2: static import of src/cli/main.ts: engine imports cli, a higher layer',
    ]);
  });

  it('fails on an import between two folders of one layer', () => {
    expect(layerProblems(fixture('sideways'))).toEqual([
      'src/collect/collect.ts:2: static import of src/store/store.ts: src/collect/ imports src/store/, another folder of its layer (stages)',
    ]);
  });

  it('fails on a cycle, a type import and a dynamic import() making it', () => {
    expect(layerProblems(fixture('cycle'))).toEqual([
      'import cycle: src/report/formatters/html.ts <-> src/report/formatters/index.ts',
    ]);
  });

  it('fails on a module in no layer', () => {
    expect(layerProblems(fixture('unplaced'))).toEqual([
      'src/loose.ts: in no layer (add its folder to LAYERS and the docs)',
    ]);
  });

  it('reads every kind of import, and none in a comment or a string', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { e, type E } from './e.js';",
      "export { f } from './f.js';",
      "export type { G } from './g.js';",
      "const h = await import('./h.js');",
      "type I = import('./i.js').I;",
      'const j = await import(name);',
      "// import { k } from './k.js';",
      'const l = "import { l } from \'./l.js\'";',
    ].join('\n');
    expect(importsOf('x.ts', text).map((i) => `${i.line} ${i.kind} ${i.spec}`)).toEqual([
      '1 static ./a.js',
      '2 type ./b.js',
      '3 type ./c.js',
      '4 static ./e.js',
      '5 static ./f.js',
      '6 type ./g.js',
      '7 dynamic ./h.js',
      '8 type ./i.js',
      '9 dynamic <expression>',
    ]);
  });

  it('names an import() it cannot follow', () => {
    const problems = checkLayers({
      files: ['src/cli/main.ts'],
      edges: [],
      unresolved: [
        {
          from: 'src/cli/main.ts',
          to: '<expression>',
          spec: '<expression>',
          kind: 'dynamic',
          line: 3,
        },
      ],
    });
    expect(describeProblems(problems)).toEqual([
      'src/cli/main.ts:3: import of <expression> names no file of the tree',
    ]);
  });
});
