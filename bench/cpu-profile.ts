import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a V8 CPU profile (`node --cpu-prof`) says about where a process spent its time, by source
 * file of rkecis (through the bundle's source maps), by package, and by function. Self time only:
 * each sample is charged to the function on top of the stack; `(program)` is V8 itself (compiling,
 * the interpreter's entry), `(garbage collector)` is GC, `(idle)` the event loop waiting.
 */

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Where {
  /** `src/cluster/merge.ts`, `ssh2`, `node:internal/modules/esm/loader`, `(garbage collector)`. */
  file: string;
  /** A coarser group: `rkecis src/collect`, `ssh2`, `node: module loading`, `V8/GC`... */
  area: string;
  fn: string;
}

export interface ProfileSummary {
  wallMs: number;
  /** Sampled time not idle. */
  busyMs: number;
  byArea: { area: string; ms: number }[];
  byFile: { file: string; ms: number }[];
  byFunction: { fn: string; file: string; ms: number }[];
  /** Inclusive time under frames of these areas anywhere on the stack. */
  inclusive: { area: string; ms: number }[];
  /** Inclusive time of functions (total time: the function and what it called). */
  totalByFunction: { fn: string; file: string; ms: number }[];
}

const round = (x: number): number => Math.round(x * 10) / 10;

/** Node's own modules grouped by what they do for a program like rkecis. */
function nodeArea(url: string): string {
  if (/^node:internal\/(modules|source_map)|^node:internal\/main|bootstrap/.test(url))
    return 'node: module loading and start-up';
  if (/crypto|tls|_tls|^node:https/.test(url)) return 'node: crypto and TLS';
  if (/net|stream|http|dns|dgram|pipe|tcp|_http/.test(url)) return 'node: net, streams, http';
  if (/fs/.test(url)) return 'node: fs';
  return 'node: other';
}

function rkecisArea(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return `rkecis ${file}`;
  // src/collect/ssh/connect.ts -> src/collect/ssh; src/version.ts -> src
  return `rkecis ${parts.slice(0, Math.max(1, Math.min(3, parts.length - 1))).join('/')}`;
}

/**
 * Maps a frame to where it comes from. `root` is the package root: bundle chunks (dist/bundle/)
 * are mapped to src/ through their .map files; node_modules frames are named by package.
 */
export function frameLocator(
  root: string,
): (frame: CpuProfile['nodes'][number]['callFrame']) => Where {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (path: string): SourceMap | undefined => {
    if (!maps.has(path)) {
      const file = `${path}.map`;
      maps.set(
        path,
        existsSync(file)
          ? new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload)
          : undefined,
      );
    }
    return maps.get(path);
  };
  return (frame) => {
    const { url, functionName } = frame;
    const fn = functionName === '' ? '(anonymous)' : functionName;
    if (url === '') {
      const area =
        fn === '(garbage collector)'
          ? 'V8: garbage collector'
          : fn === '(idle)'
            ? 'idle'
            : fn === '(program)'
              ? 'V8: (program)'
              : fn === '(root)'
                ? 'V8: (root)'
                : fn.startsWith('RegExp: ')
                  ? 'V8: regular expressions'
                  : // Node's C++ bindings (writeBuffer: a socket write, fstat...): the system call
                    // and, on loopback, the kernel's delivery to the peer.
                    'node: native bindings (system calls)';
      return { file: fn, area, fn };
    }
    if (url.startsWith('node:')) return { file: url, area: nodeArea(url), fn };
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (nm?.[1] !== undefined) return { file: nm[1], area: nm[1], fn };
    if (path.includes('/dist/bundle/')) {
      const entry = mapOf(path)?.findEntry(frame.lineNumber, frame.columnNumber);
      const source =
        entry !== undefined && 'originalSource' in entry ? entry.originalSource : undefined;
      if (source !== undefined) {
        const original = source.startsWith('file://') ? fileURLToPath(source) : source;
        // esbuild names sources relative to the bundle: ../../src/x.ts, ../../node_modules/yaml/...
        const rel = original.startsWith('/') ? relative(root, original) : original;
        const clean = rel.replace(/^(\.\.\/)+/, '').replace(/^dist\//, 'src/');
        const bundledPkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(clean)?.[1];
        if (bundledPkg !== undefined) return { file: bundledPkg, area: bundledPkg, fn };
        const file = clean.replace(/\.js$/, '.ts');
        return { file, area: rkecisArea(file), fn };
      }
    }
    const rel = relative(root, path);
    if (rel.startsWith('dist/bundle/'))
      return { file: rel, area: 'dist/bundle (no source map entry)', fn };
    return { file: rel, area: rkecisArea(rel.replace(/^dist\//, 'src/')), fn };
  };
}

/** Self time by area, file and function, and inclusive time by area. */
export function summarizeProfile(
  profile: CpuProfile,
  locate: (frame: CpuProfile['nodes'][number]['callFrame']) => Where,
  top = 25,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const where = new Map(profile.nodes.map((n) => [n.id, locate(n.callFrame)]));
  const self = new Map<number, number>();
  // timeDeltas[i] is the time before sample i: the time after it belongs to it.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + ms);
  }
  const add = (m: Map<string, number>, k: string, v: number): void => {
    m.set(k, (m.get(k) ?? 0) + v);
  };
  const areas = new Map<string, number>();
  const files = new Map<string, number>();
  const fns = new Map<string, number>();
  const incl = new Map<string, number>();
  const total = new Map<string, number>();
  let idle = 0;
  for (const [id, ms] of self) {
    const w = where.get(id) as Where;
    if (w.area === 'idle') idle += ms;
    add(areas, w.area, ms);
    add(files, w.file, ms);
    add(fns, `${w.fn}\u0000${w.file}`, ms);
    // Each area once per stack, however many of its frames the stack holds.
    const seen = new Set<string>();
    const seenFn = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const w2 = where.get(at);
      if (w2 === undefined || !byId.has(at)) break;
      if (!seen.has(w2.area)) {
        seen.add(w2.area);
        add(incl, w2.area, ms);
      }
      const k = `${w2.fn}\u0000${w2.file}`;
      if (w2.area !== 'idle' && !seenFn.has(k)) {
        seenFn.add(k);
        add(total, k, ms);
      }
    }
  }
  const sorted = (m: Map<string, number>): [string, number][] =>
    [...m].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.05);
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  return {
    wallMs: round(wallMs),
    busyMs: round(wallMs - idle),
    byArea: sorted(areas).map(([area, ms]) => ({ area, ms: round(ms) })),
    byFile: sorted(files)
      .slice(0, top)
      .map(([file, ms]) => ({ file, ms: round(ms) })),
    byFunction: sorted(fns)
      .slice(0, top)
      .map(([k, ms]) => {
        const [fn = '', file = ''] = k.split('\u0000');
        return { fn, file, ms: round(ms) };
      }),
    inclusive: sorted(incl)
      .filter(([a]) => a !== 'idle' && a !== 'V8: (root)')
      .map(([area, ms]) => ({ area, ms: round(ms) })),
    totalByFunction: sorted(total)
      .filter(([k]) => !k.startsWith('(root)'))
      .slice(0, top * 2)
      .map(([k, ms]) => {
        const [fn = '', file = ''] = k.split('\u0000');
        return { fn, file, ms: round(ms) };
      }),
  };
}

/** The summary as Markdown tables, for FINDINGS-style notes. */
export function profileMarkdown(s: ProfileSummary, perNode?: number): string {
  const per = (ms: number): string =>
    perNode !== undefined && perNode > 0 ? ` | ${(ms / perNode).toFixed(2)}` : '';
  const head = perNode !== undefined ? ' | ms per node' : '';
  const sep = perNode !== undefined ? ' | ---' : '';
  const lines = [
    `profile: ${s.wallMs} ms of wall time, ${s.busyMs} ms not idle`,
    '',
    `| area (self time) | ms${head} |`,
    `| --- | ---${sep} |`,
    ...s.byArea.map((r) => `| ${r.area} | ${r.ms}${per(r.ms)} |`),
    '',
    `| area (inclusive: anywhere on the stack) | ms${head} |`,
    `| --- | ---${sep} |`,
    ...s.inclusive.map((r) => `| ${r.area} | ${r.ms}${per(r.ms)} |`),
    '',
    `| file (self time) | ms${head} |`,
    `| --- | ---${sep} |`,
    ...s.byFile.map((r) => `| ${r.file} | ${r.ms}${per(r.ms)} |`),
    '',
    `| function (self time) | file | ms${head} |`,
    `| --- | --- | ---${sep} |`,
    ...s.byFunction.map((r) => `| ${r.fn} | ${r.file} | ${r.ms}${per(r.ms)} |`),
    '',
    `| function (total: itself and what it called) | file | ms${head} |`,
    `| --- | --- | ---${sep} |`,
    ...s.totalByFunction.map((r) => `| ${r.fn} | ${r.file} | ${r.ms}${per(r.ms)} |`),
  ];
  return `${lines.join('\n')}\n`;
}

// `node dist-bench/bench/cpu-profile.js FILE.cpuprofile [NODES]`: the summary of one profile.
if (
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')
) {
  const [file, nodes] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: cpu-profile.js FILE.cpuprofile [NODES]\n');
    process.exit(2);
  }
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const s = summarizeProfile(
    JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
    frameLocator(root),
  );
  process.stdout.write(profileMarkdown(s, nodes !== undefined ? Number(nodes) : undefined));
}
