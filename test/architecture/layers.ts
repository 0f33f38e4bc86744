import { cycles, importGraph, type Edge, type ImportGraph } from './imports.js';

/**
 * The layers of src/, lowest first (docs/architecture.md, "Layers", shows this table). A module
 * may import a module of a lower layer, or of its own folder group; never one of a higher layer,
 * nor one of another folder of its own layer (siblings such as collect/ and store/ know nothing
 * of each other). A folder belongs to the layer of its longest matching prefix: src/report/ is
 * the report model, src/report/formatters/ the formats above the engine.
 */
export interface Layer {
  name: string;
  folders: readonly string[];
  /** What the layer holds, as docs/architecture.md says it. */
  holds: string;
}

export const LAYERS: readonly Layer[] = [
  {
    name: 'text',
    folders: ['src/text/'],
    holds: 'what people are shown: escaping, errno codes in words, schema issues, shortening',
  },
  {
    name: 'base',
    folders: ['src/base/'],
    holds:
      'errors and exit codes, the version, the readers of input files (bounded files, credentials, YAML)',
  },
  {
    name: 'inputs',
    folders: ['src/evidence/', 'src/profiles/'],
    holds: 'the formats of evidence bundles and profiles: types, schemas, readers',
  },
  {
    name: 'model',
    folders: ['src/report/'],
    holds: "the report: its types, summaries and ordering (the engine's output, everyone's input)",
  },
  {
    name: 'engine',
    folders: ['src/engine/'],
    holds: 'evaluate(profile, evidence): check kinds, operators, flag parsing; pure',
  },
  {
    name: 'formats',
    folders: ['src/report/formatters/'],
    holds: 'the format registry and the formatters: report to text, pure',
  },
  {
    name: 'stages',
    folders: ['src/collect/', 'src/store/', 'src/waivers/', 'src/rke/', 'src/diff/'],
    holds: 'collectors, history stores, waivers, RKE plans and remediation, diffs: each on its own',
  },
  {
    name: 'cluster',
    folders: ['src/cluster/'],
    holds: 'whole clusters: nodes from cluster.yml or bundles, scanned over SSH, merged',
  },
  {
    name: 'cli',
    folders: ['src/cli/', 'src/tools/'],
    holds: 'the commands (options, stderr, exit codes, writing outputs) and the build tools',
  },
];

/** The layer and folder of a file: the longest folder of the table that holds it. */
export function placeOf(
  file: string,
  layers: readonly Layer[] = LAYERS,
): { layer: number; folder: string } | undefined {
  let best: { layer: number; folder: string } | undefined;
  layers.forEach((l, i) => {
    for (const folder of l.folders) {
      if (file.startsWith(folder) && (best === undefined || folder.length > best.folder.length))
        best = { layer: i, folder };
    }
  });
  return best;
}

/** What breaks the order: a file in no layer, an import upward or sideways, a cycle, an import not followed. */
export interface Problems {
  unplaced: string[];
  /** Imports of a higher layer, or of another folder of the same layer. */
  wrong: (Edge & { why: string })[];
  cycles: string[][];
  unresolved: Edge[];
}

export function checkLayers(graph: ImportGraph, layers: readonly Layer[] = LAYERS): Problems {
  const name = (i: number): string => layers[i]?.name ?? '?';
  const unplaced = graph.files.filter((f) => placeOf(f, layers) === undefined);
  const wrong: Problems['wrong'] = [];
  for (const e of graph.edges) {
    const a = placeOf(e.from, layers);
    const b = placeOf(e.to, layers);
    if (a === undefined || b === undefined) continue;
    if (b.layer > a.layer)
      wrong.push({ ...e, why: `${name(a.layer)} imports ${name(b.layer)}, a higher layer` });
    else if (b.layer === a.layer && b.folder !== a.folder)
      wrong.push({
        ...e,
        why: `${a.folder} imports ${b.folder}, another folder of its layer (${name(a.layer)})`,
      });
  }
  return {
    unplaced,
    wrong,
    cycles: cycles(graph.files, graph.edges),
    unresolved: graph.unresolved,
  };
}

/** The problems of a tree as lines a person can act on; none when it keeps the order. */
export function describeProblems(p: Problems): string[] {
  return [
    ...p.unplaced.map((f) => `${f}: in no layer (add its folder to LAYERS and the docs)`),
    ...p.wrong.map((e) => `${e.from}:${e.line}: ${e.kind} import of ${e.to}: ${e.why}`),
    ...p.cycles.map((c) => `import cycle: ${c.join(' <-> ')}`),
    ...p.unresolved.map((e) => `${e.from}:${e.line}: import of ${e.to} names no file of the tree`),
  ];
}

/** The problems of the tree under `root` (its src/). */
export const layerProblems = (root: string, layers: readonly Layer[] = LAYERS): string[] =>
  describeProblems(checkLayers(importGraph(root), layers));
