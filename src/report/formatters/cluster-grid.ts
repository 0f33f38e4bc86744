import type { ClusterReport, ClusterResult, Status } from '../types.js';
import { NODES_SHOWN } from './cluster-document.js';
import { RESULT_LABEL } from './labels.js';
import { sortedResults } from '../order.js';

/**
 * Where the nodes differ, as a grid: one row per node, one column per control whose result is
 * not the same on every node (status `mixed`), each cell that node's result, so an auditor sees
 * at a glance which nodes are out of line and with which controls. Each status has a colour and
 * a symbol of its own, so the grid reads the same printed in black and white.
 */
export interface DifferenceGrid {
  controls: ClusterResult[];
  rows: { node: string; cells: (Status | undefined)[]; failing: number }[];
  /** Nodes in the grid's controls that are not shown (only the first NODES_SHOWN are). */
  hidden: number;
  /** True when passing nodes are not named (node maps of failing nodes only). */
  failingOnly: boolean;
}

export const SYMBOL: Record<Status, string> = {
  pass: '✓',
  fail: '✗',
  error: '!',
  'not-applicable': '–',
  manual: '?',
};

const failing = (s: Status | undefined): boolean => s === 'fail' || s === 'error';

/** The grid's model: rows sorted by failing cells (most first), then by node name. */
export function differenceGrid(report: ClusterReport, maxNodes = NODES_SHOWN): DifferenceGrid {
  const controls = sortedResults(report.results).filter(
    (r) => r.scope === 'node' && r.status === 'mixed',
  );
  const counts = new Map<string, number>();
  for (const r of controls) {
    for (const [node, status] of Object.entries(r.nodes)) {
      counts.set(node, (counts.get(node) ?? 0) + (failing(status) ? 1 : 0));
    }
  }
  const names = [...counts.keys()].sort((a, b) => {
    const d = (counts.get(b) ?? 0) - (counts.get(a) ?? 0);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const rows = names.slice(0, maxNodes).map((node) => ({
    node,
    cells: controls.map((r) => r.nodes[node]),
    failing: counts.get(node) ?? 0,
  }));
  return {
    controls,
    rows,
    hidden: names.length - rows.length,
    failingOnly: report.nodeMaps === 'failing',
  };
}

/** One cell: the status's colour class, its symbol, and its name for readers and tooltips. */
function cell(
  node: string,
  r: ClusterResult,
  s: Status | undefined,
  failingOnly: boolean,
  esc: (s: string) => string,
): string {
  if (s === undefined) {
    const what = failingOnly
      ? 'not failing (passing nodes are not named in this report)'
      : 'not evaluated (the node does not have its role)';
    return `<td class="cell none" title="${esc(`${node}, ${r.id}: ${what}`)}"><span class="sr">${what}</span>${failingOnly ? '·' : ''}</td>`;
  }
  const label = RESULT_LABEL[s];
  return `<td class="cell s-${s}" data-status="${s}" title="${esc(`${node}, ${r.id}: ${label}`)}"><span aria-hidden="true">${SYMBOL[s]}</span><span class="sr">${label}</span></td>`;
}

/**
 * The grid as an HTML section, or '' when every control has the same result on every node.
 * `esc` is the document's HTML escaping (node names come from the nodes).
 */
export function differenceSection(report: ClusterReport, esc: (s: string) => string): string {
  const grid = differenceGrid(report);
  if (grid.controls.length === 0) return '';
  const n = grid.controls.length;
  const shown = grid.rows.length;
  // The legend names what the grid holds, each status with its colour and its symbol.
  const present = new Set(grid.rows.flatMap((row) => row.cells));
  const legend = (Object.keys(SYMBOL) as Status[])
    .filter((s) => present.has(s))
    .map(
      (s) =>
        `<span class="key"><span class="cell s-${s}">${SYMBOL[s]}</span> ${RESULT_LABEL[s]}</span>`,
    );
  if (present.has(undefined))
    legend.push(
      grid.failingOnly
        ? '<span class="key"><span class="cell none">·</span> not failing</span>'
        : '<span class="key"><span class="cell none"></span> not evaluated (not its role)</span>',
    );
  const head = grid.controls
    .map((r) => `<th scope="col"><a href="#control-${esc(r.id)}">${esc(r.id)}</a></th>`)
    .join('');
  const rows = grid.rows.map(
    (row) =>
      `<tr><th scope="row" class="node">${esc(row.node)}</th>${row.cells.map((s, i) => cell(row.node, grid.controls[i] as ClusterResult, s, grid.failingOnly, esc)).join('')}</tr>`,
  );
  return [
    '<section id="differences"><h2>Where the nodes differ</h2>',
    `<p>${n} ${n === 1 ? 'control has' : 'controls have'} a different result on different nodes: one column per control, one row per node${grid.failingOnly ? ' that fails one of them (passing nodes are not named in this report)' : ''}, the nodes with the most failures first${grid.hidden > 0 ? `; ${shown} of ${shown + grid.hidden} nodes shown (the JSON report lists them all)` : ''}.</p>`,
    `<p class="legend">${legend.join(' ')}</p>`,
    `<table class="grid"><thead><tr><th scope="col">Node</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`,
    '</section>',
  ].join('\n');
}
