import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** How a module names another: `import`/`export ... from`, `import type`, or `await import()`. */
export type ImportKind = 'static' | 'type' | 'dynamic';

export interface Import {
  /** The specifier as written: `../base/errors.js`, `node:fs`, `zod`. */
  spec: string;
  kind: ImportKind;
  /** 1-based line of the import, for messages. */
  line: number;
}

/**
 * The imports of a TypeScript module, read with the TypeScript parser (so an import in a comment
 * or a string is none): declarations, re-exports, and `import()` calls with a literal specifier.
 * An `import()` of anything but a string literal is reported with the spec `<expression>`, so
 * that no import escapes the checks unseen.
 */
export function importsOf(fileName: string, text: string): Import[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const line = (node: ts.Node): number =>
    source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.phaseModifier === ts.SyntaxKind.TypeKeyword ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({
        spec: node.moduleSpecifier.text,
        kind: typeOnly ? 'type' : 'static',
        line: line(node),
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push({
        spec: node.moduleSpecifier.text,
        kind: node.isTypeOnly ? 'type' : 'static',
        line: line(node),
      });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      out.push({
        spec: arg !== undefined && ts.isStringLiteralLike(arg) ? arg.text : '<expression>',
        kind: 'dynamic',
        line: line(node),
      });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal))
        out.push({ spec: arg.literal.text, kind: 'type', line: line(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** An import between two files of the tree, paths relative to its root with `/`. */
export interface Edge extends Import {
  from: string;
  to: string;
}

/** The modules of a tree and the imports between them. */
export interface ImportGraph {
  /** Every `.ts` file, relative to the root, with `/`. */
  files: string[];
  /** Imports that name a file of the tree (relative specifiers). */
  edges: Edge[];
  /** Relative imports that name no file of the tree, and `import()` of an expression. */
  unresolved: Edge[];
}

const posix = (p: string): string => p.split(sep).join('/');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return tsFiles(p);
    return d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * The import graph of the `.ts` files under `root/dir` (paths relative to `root`). A relative
 * specifier `./x.js` names `./x.ts`, as NodeNext resolution has it.
 */
export function importGraph(root: string, dir = 'src'): ImportGraph {
  const files = tsFiles(join(root, dir))
    .map((f) => posix(relative(root, f)))
    .sort();
  const known = new Set(files);
  const edges: Edge[] = [];
  const unresolved: Edge[] = [];
  for (const from of files) {
    for (const imp of importsOf(from, readFileSync(join(root, from), 'utf8'))) {
      if (imp.spec === '<expression>') {
        unresolved.push({ ...imp, from, to: imp.spec });
        continue;
      }
      if (!imp.spec.startsWith('.')) continue;
      const to = posix(
        relative(root, resolve(root, dirname(from), imp.spec)).replace(/\.js$/, '.ts'),
      );
      (known.has(to) ? edges : unresolved).push({ ...imp, from, to });
    }
  }
  return { files, edges, unresolved };
}

/**
 * The import cycles of a graph: each strongly connected set of two files or more (and a file
 * that imports itself), its files sorted (Tarjan's algorithm, iterative).
 */
export function cycles(files: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const start of files) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    while (work.length > 0) {
      const top = work[work.length - 1] as [string, number];
      const [v, i] = top;
      if (i === 0) {
        index.set(v, counter);
        low.set(v, counter);
        counter++;
        stack.push(v);
        onStack.add(v);
      }
      const succ = next.get(v) ?? [];
      if (i < succ.length) {
        top[1] = i + 1;
        const w = succ[i] as string;
        if (!index.has(w)) work.push([w, 0]);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined)
        low.set(parent[0], Math.min(low.get(parent[0]) ?? 0, low.get(v) ?? 0));
      if (low.get(v) === index.get(v)) {
        const set: string[] = [];
        for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
          onStack.delete(w);
          set.push(w);
          if (w === v) break;
        }
        if (set.length > 1 || succ.includes(v)) found.push(set.sort());
      }
    }
  }
  return found;
}
