import type { ClusterReport, ClusterResult, ClusterStatus } from '../types.js';
import {
  clusterDocument,
  clusterResultLabel,
  findingNodeList,
  returnedValueOf,
  type ClusterDocument,
} from './cluster-document.js';
import { differenceSection } from './cluster-grid.js';
import { CLUSTER_RESULT_LABEL } from './cluster-labels.js';
import { CSS, STATUS_COLOUR } from './html-assets.js';
import { html as esc } from './html-escape.js';
import {
  auditFields,
  closingFields,
  controlArticle,
  controlsStart,
  documentEnd,
  documentStart,
  failingSection,
  field,
  groupSections,
  guideField,
  htmlBlocks,
  methodologySection,
  summarySection,
  waiverField,
  waiversSection,
} from './html-document.js';
import { controlHeading } from './labels.js';
import { piecesOf, type Rendered } from './rendered.js';

const COLOUR: Record<ClusterStatus, string> = { ...STATUS_COLOUR, mixed: '#bc4c00' };

/** The node document's style, plus Mixed and the per-node tables. */
const STYLE = `${CSS}
.s-mixed { background: #bc4c00; border-color: #bc4c00; }
.control.st-mixed { border-left-color: #bc4c00; }
table.outcomes td.nodes { max-width: 24rem; overflow-wrap: anywhere; }
table.grid { font-size: .85rem; }
table.grid th.node { font-weight: normal; max-width: 18rem; overflow-wrap: anywhere; }
table.grid th a { color: inherit; }
.cell { text-align: center; color: #fff; font-weight: 700; min-width: 1.6em; padding: .1rem .35rem; }
.cell.none { background: #fff; color: #59636e; }
.legend .key { white-space: nowrap; margin-right: .8rem; }
.legend .cell { display: inline-block; border: 1px solid #d0d7de; border-radius: 2px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media print { .cell { -webkit-print-color-adjust: exact; print-color-adjust: exact; } table.grid { break-inside: auto; } }
.notscanned { color: #cf222e; font-weight: 600; }
`;

function outcomes(r: ClusterResult): string {
  if (r.scope === 'cluster') {
    const f = r.findings[0];
    return `<p class="muted">Evaluated once for the cluster.</p>${f !== undefined ? `<pre class="returned">${esc(returnedValueOf(f))}</pre>` : ''}`;
  }
  const rows = r.findings.map(
    (f) =>
      `<tr data-status="${f.status}"><td><span class="swatch s-${f.status}"></span>${esc(CLUSTER_RESULT_LABEL[f.status])}${f.waiver !== undefined ? ' (waived)' : ''}</td><td class="num">${f.count}</td><td class="nodes">${esc(findingNodeList(f))}</td><td><pre class="returned">${esc(returnedValueOf(f))}</pre>${f.reason !== undefined && f.reason !== r.reason ? htmlBlocks(f.reason) : ''}</td></tr>`,
  );
  return `<table class="outcomes"><thead><tr><th>Result</th><th>Nodes</th><th>Which</th><th>Returned Value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function control(r: ClusterResult): string {
  const label = clusterResultLabel(r);
  const waivers = [
    ...new Map(
      r.findings.flatMap((f) =>
        f.waiver !== undefined ? [[f.waiver.source, f.waiver] as const] : [],
      ),
    ).values(),
  ];
  const fields = [
    ...auditFields(r),
    field('Result', esc(label), 'result'),
    field('On the nodes', outcomes(r)),
    field('Expected', esc(r.expected), 'expected'),
    guideField(r),
    ...waivers.map(waiverField),
    ...closingFields(r),
  ];
  return controlArticle(r, controlHeading(r), label, fields);
}

/**
 * The coverage section, in pieces: the tables of nodes not scanned and of nodes scanned have a
 * row per node. Joined, the pieces are the section's lines joined by newlines.
 */
function* coverage(doc: ClusterDocument): Generator<string, void, undefined> {
  const c = doc.coverage;
  yield '<section id="coverage"><h2>Coverage</h2>\n';
  yield `<p id="coverage-line" data-complete="${c.complete}">${esc(doc.coverageLine)}</p>\n`;
  if (c.notScanned.length > 0) {
    yield '<table class="notscanned-list"><thead><tr><th>Node not scanned</th><th>Roles</th><th>Where</th><th>Why</th></tr></thead><tbody>';
    for (const n of c.notScanned)
      yield `<tr><td class="notscanned">${esc(n.name)}</td><td>${esc(n.roles.join(', '))}</td><td>${esc(n.source ?? '')}</td><td>${esc(n.reason)}</td></tr>`;
    yield '</tbody></table>';
  }
  yield '\n';
  if (c.unexpected.length > 0)
    yield `<p>Scanned but not in ${esc(c.expectedFrom)}: ${esc(c.unexpected.join(', '))}</p>`;
  yield '\n<h3>Nodes scanned</h3>\n';
  yield '<table class="nodes"><thead><tr><th>Node</th><th>Roles</th><th>Pass</th><th>Fail</th><th>Error</th><th>Collected</th></tr></thead><tbody>';
  for (const n of doc.nodes)
    yield `<tr><td>${esc(n.name)}</td><td>${esc(n.roles.join(', '))}</td><td class="num">${n.summary.pass}</td><td class="num">${n.summary.fail}</td><td class="num">${n.summary.error}</td><td>${esc(n.collectedAt ?? '')}</td></tr>`;
  yield '</tbody></table>\n</section>';
}

/** The document's lines; a line may come in pieces (the coverage section). Empty lines are left out. */
function* htmlLines(report: ClusterReport): Generator<Rendered, void, undefined> {
  const doc = clusterDocument(report);
  yield* documentStart(doc, report.rkecisVersion, STYLE);
  yield summarySection(doc, doc.scoredTotal, COLOUR);
  yield coverage(doc);
  yield differenceSection(report, esc);
  yield methodologySection(doc.methodology);
  yield failingSection(
    doc.failing,
    clusterResultLabel,
    'None: every scored control passes or is not applicable on every node scanned.',
  );
  yield waiversSection(doc.waivers);
  yield* controlsStart(doc);
  yield* groupSections(doc.groups, control);
  yield* documentEnd();
}

/**
 * The cluster's self-assessment document as one self-contained HTML file (same guarantees as a
 * node's), in pieces: each line that is not empty, followed by a newline.
 */
export function* clusterHtml(report: ClusterReport): Generator<string, void, undefined> {
  for (const line of htmlLines(report)) {
    if (line === '') continue;
    yield* piecesOf(line);
    yield '\n';
  }
}
