/**
 * Reads Rancher's later RKE1 self-assessment guides (the markdown in ../shared/seed/later-guides)
 * into controls, keeping every extracted text exactly as the guide writes it (typos included).
 * Both families share one reader: the CIS 1.4 guides (`**Audit** (label)` + `docker inspect | jq`
 * + inline `**Returned Value:**`) and the kube-bench ones (`**Audit:**`, `**Audit Config:**`,
 * `**Expected Result**:`, `**Returned Value**:` blocks). The only changes to the text are the
 * split into lines, the CR dropped from CRLF line ends, the spaces around a value written on its
 * label's line (`**Result:** Pass`), and blank lines around a text field (Remediation, Notes).
 * Code blocks are kept exactly, their empty last lines included.
 */

/** A heading above the controls that carries a number: "## 1 - Master Node ...", "### 1.2 API Server". */
export interface GuideHeading {
  id: string;
  title: string;
  line: number;
}

/** A numbered heading that is not a control, with the text under it before the next heading. */
export interface GuideSection extends GuideHeading {
  level: number;
  /** The text as written, leading and trailing blank lines dropped; null when there is none. */
  text: string | null;
}

/** One audit command as the guide gives it. */
export interface GuideAudit {
  /** The bold label: "Audit", "Audit Config", "Audit Script" or "Audit Execution". */
  kind: string;
  /** What follows the label on its line, as written ("(`--tls-cert-file`)", "1.1.11.sh"), or null. */
  label: string | null;
  /** The code block's lines between its fences (CR dropped), or null when the label has no block. */
  command: string | null;
  /** The line of the opening fence (of the label when there is no block). */
  line: number;
}

/** An Expected result or Returned Value. */
export interface GuideValue {
  /** The code block's lines between its fences, or the rest of the label's line. */
  text: string;
  form: 'block' | 'inline';
  /** The line of the opening fence or of the label. */
  line: number;
  /** Index in `audits` of the latest audit before this value, or null when none precedes it. */
  audit: number | null;
}

/** Notes, a Note, a Mitigation, or text under no label (kind null). */
export interface GuideNote {
  kind: 'Notes' | 'Note' | 'Mitigation' | null;
  /** The lines as written (code fences kept), leading and trailing blank lines dropped. */
  text: string;
  line: number;
}

export interface LaterGuideControl {
  /** The heading's number, or null for a heading without one. */
  id: string | null;
  /** The heading between the number (and its " - ") and the scoring marker. */
  title: string;
  /** "Scored", "Not Scored", "Automated" or "Manual" as the heading ends; null when it has none. */
  scoring: string | null;
  line: number;
  /** Outermost numbered heading above with a one-part number ("1", "2"), or null when none. */
  group: GuideHeading | null;
  /** Innermost numbered heading above (may be the group itself, as "## 2 Etcd ..." in CIS 1.6+). */
  section: GuideHeading | null;
  /** The text after `**Result:**`, or null when the control states none. */
  result: string | null;
  resultLine: number | null;
  audits: GuideAudit[];
  expected: GuideValue[];
  returned: GuideValue[];
  /** The Remediation text as written, leading and trailing blank lines dropped. */
  remediation: string | null;
  notes: GuideNote[];
}

/** Something in the text the reader could not place as the guides usually do. */
export interface GuideWarning {
  line: number;
  message: string;
}

export interface LaterGuide {
  /** Lines that ended in CRLF (0 for an LF file). */
  crlfLines: number;
  /** Number of lines (a final newline does not start another). */
  lines: number;
  sections: GuideSection[];
  controls: LaterGuideControl[];
  warnings: GuideWarning[];
}

const SCORING =
  /^(?:(\d+(?:\.\d+)*)\s+(?:-\s+)?)?(.*?)\s*\((Scored|Not Scored|Automated|Manual)\)$/;
const NUMBERED = /^(\d+(?:\.\d+)*)\s+(?:-\s+)?(.*)$/;
const LABEL = /^\*\*([A-Z][A-Za-z ]*?):?\*\*:?(.*)$/;
const LABELS = new Set([
  'Result',
  'Remediation',
  'Audit',
  'Audit Config',
  'Audit Script',
  'Audit Execution',
  'Expected result',
  'Expected Result',
  'Returned Value',
  'Notes',
  'Note',
  'Mitigation',
]);
const AUDIT_KINDS = new Set(['Audit', 'Audit Config', 'Audit Script', 'Audit Execution']);
const OPEN_FENCE = /^ {0,3}```/;
const CLOSE_FENCE = /^ {0,3}```\s*$/;

interface Block {
  kind: 'block';
  line: number;
  /** Lines between the fences. */
  body: string[];
  /** Every line including the fences, for text fields. */
  raw: string[];
}
interface Text {
  kind: 'text';
  line: number;
  text: string;
}
type Item = Block | Text;

const isBlank = (s: string): boolean => /^\s*$/.test(s);

function trimBlank(lines: string[]): string {
  let a = 0;
  let b = lines.length;
  while (a < b && isBlank(lines[a] ?? '')) a++;
  while (b > a && isBlank(lines[b - 1] ?? '')) b--;
  return lines.slice(a, b).join('\n');
}

/** What the current label collects into. */
type Field =
  | { kind: 'none' }
  | { kind: 'result' }
  | { kind: 'text'; into: GuideNote | 'remediation'; lines: string[]; auditBefore: Field | null }
  | { kind: 'audit'; audit: string; label: string | null; line: number; blocks: number }
  | { kind: 'value'; into: 'expected' | 'returned'; filled: boolean; auditBefore: Field | null };

/** Reads one guide. Pure: text in, controls out. */
export function parseLaterGuide(text: string): LaterGuide {
  const split = text.split('\n');
  if (split.length > 1 && split[split.length - 1] === '') split.pop();
  let crlfLines = 0;
  const lines = split.map((l) => {
    if (!l.endsWith('\r')) return l;
    crlfLines++;
    return l.slice(0, -1);
  });

  const sections: GuideSection[] = [];
  const controls: LaterGuideControl[] = [];
  const warnings: GuideWarning[] = [];
  const stack: GuideSection[] = [];
  let current: { control: LaterGuideControl; items: Item[] } | undefined;
  let section: { section: GuideSection; lines: string[] } | undefined;

  const finish = (): void => {
    if (current) fillControl(current.control, current.items, warnings);
    current = undefined;
    if (section) {
      const t = trimBlank(section.lines);
      section.section.text = t === '' ? null : t;
    }
    section = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (OPEN_FENCE.test(line)) {
      const start = i;
      const body: string[] = [];
      i++;
      while (i < lines.length && !CLOSE_FENCE.test(lines[i] ?? '')) body.push(lines[i++] ?? '');
      if (i >= lines.length) warnings.push({ line: start + 1, message: 'code fence never closed' });
      const raw = lines.slice(start, Math.min(i + 1, lines.length));
      current?.items.push({ kind: 'block', line: start + 1, body, raw });
      section?.lines.push(...raw);
      continue;
    }
    const h = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    if (!h) {
      current?.items.push({ kind: 'text', line: i + 1, text: line });
      section?.lines.push(line);
      continue;
    }
    finish();
    const level = (h[1] ?? '').length;
    const heading = h[2] ?? '';
    const c = SCORING.exec(heading);
    const n = NUMBERED.exec(heading);
    // A heading is a control when it ends in a scoring marker, or has a three-part number without one.
    if (c || (n && (n[1] ?? '').split('.').length >= 3)) {
      const id = c ? (c[1] ?? null) : (n?.[1] ?? null);
      const title = c ? (c[2] ?? '') : (n?.[2] ?? '');
      if (!c) warnings.push({ line: i + 1, message: 'control heading without a scoring marker' });
      if (id === null) warnings.push({ line: i + 1, message: 'control heading without a number' });
      const group = stack.find((s) => !s.id.includes('.'));
      const innermost = stack[stack.length - 1];
      current = {
        control: {
          id,
          title,
          scoring: c ? (c[3] ?? null) : null,
          line: i + 1,
          group: group ? { id: group.id, title: group.title, line: group.line } : null,
          section: innermost
            ? { id: innermost.id, title: innermost.title, line: innermost.line }
            : null,
          result: null,
          resultLine: null,
          audits: [],
          expected: [],
          returned: [],
          remediation: null,
          notes: [],
        },
        items: [],
      };
      controls.push(current.control);
      continue;
    }
    // Control headings sit at the same level as some section headings (v2.2's "#### 1.6"), so
    // only the other headings open and close sections.
    while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
    if (n) {
      const s: GuideSection = { id: n[1] ?? '', title: n[2] ?? '', line: i + 1, level, text: null };
      stack.push(s);
      sections.push(s);
      section = { section: s, lines: [] };
    }
  }
  finish();
  return { crlfLines, lines: lines.length, sections, controls, warnings };
}

/** Sorts a control's lines and code blocks into its fields by the bold labels before them. */
function fillControl(c: LaterGuideControl, items: Item[], warnings: GuideWarning[]): void {
  let field: Field = { kind: 'none' };
  let unlabelled: { note: GuideNote; lines: string[] } | undefined;

  /**
   * Ends the current field. `keepAudit`: a Note comes between an audit label and its command
   * (CIS 1.4), or a command of the interrupted audit follows, so an audit label without a block
   * yet is not empty.
   */
  const close = (keepAudit = false): void => {
    if (field.kind === 'text') {
      const t = trimBlank(field.lines);
      if (field.into === 'remediation') {
        if (c.remediation !== null) warnings.push({ line: c.line, message: 'second Remediation' });
        c.remediation = t;
      } else field.into.text = t;
    }
    const pending =
      field.kind === 'audit'
        ? field
        : field.kind === 'none' || field.kind === 'result'
          ? null
          : field.auditBefore;
    if (pending?.kind === 'audit' && pending.blocks === 0 && !keepAudit) {
      c.audits.push({
        kind: pending.audit,
        label: pending.label,
        command: null,
        line: pending.line,
      });
      warnings.push({ line: pending.line, message: `${pending.audit} label without a code block` });
      pending.blocks = -1;
    }
    if (field.kind === 'value' && !field.filled) {
      warnings.push({ line: c.line, message: `${field.into} label without a value` });
    }
    if (unlabelled) unlabelled.note.text = trimBlank(unlabelled.lines);
    unlabelled = undefined;
  };
  const lastAudit = (): number | null => (c.audits.length > 0 ? c.audits.length - 1 : null);
  /** Text where no text belongs (after a Result, an audit or a value) is kept as a note. */
  const stray = (it: Item): void => {
    if (!unlabelled) {
      if (it.kind === 'text' && isBlank(it.text)) return;
      unlabelled = { note: { kind: null, text: '', line: it.line }, lines: [] };
      c.notes.push(unlabelled.note);
    }
    if (it.kind === 'text') unlabelled.lines.push(it.text);
    else unlabelled.lines.push(...it.raw);
  };

  for (const it of items) {
    const m = it.kind === 'text' ? LABEL.exec(it.text) : null;
    const name = m?.[1];
    if (m && name !== undefined && LABELS.has(name)) {
      const rest = (m[2] ?? '').trim();
      const before: Field = field;
      close(name === 'Note' && before.kind === 'audit');
      if (name === 'Result') {
        if (c.result !== null) warnings.push({ line: it.line, message: 'second Result' });
        c.result = rest;
        c.resultLine = it.line;
        field = { kind: 'result' };
      } else if (name === 'Remediation') {
        field = { kind: 'text', into: 'remediation', lines: rest ? [rest] : [], auditBefore: null };
      } else if (name === 'Notes' || name === 'Note' || name === 'Mitigation') {
        const note: GuideNote = { kind: name, text: '', line: it.line };
        c.notes.push(note);
        // The CIS 1.4 guides put a "**Note**" between an audit label and its command.
        const auditBefore: Field | null = name === 'Note' ? auditContext(before) : null;
        field = { kind: 'text', into: note, lines: rest ? [rest] : [], auditBefore };
      } else if (AUDIT_KINDS.has(name)) {
        field = { kind: 'audit', audit: name, label: rest || null, line: it.line, blocks: 0 };
      } else {
        const into = name === 'Returned Value' ? 'returned' : 'expected';
        const auditBefore = auditContext(before);
        if (rest) {
          c[into].push({ text: rest, form: 'inline', line: it.line, audit: lastAudit() });
          field = { kind: 'value', into, filled: true, auditBefore };
        } else field = { kind: 'value', into, filled: false, auditBefore };
      }
      continue;
    }
    switch (field.kind) {
      case 'text':
        if (it.kind === 'block' && field.auditBefore?.kind === 'audit') {
          field = resumeAudit(c, field.auditBefore, it, close);
        } else if (it.kind === 'text') field.lines.push(it.text);
        else field.lines.push(...it.raw);
        break;
      case 'audit':
        if (it.kind === 'block') {
          c.audits.push({
            kind: field.audit,
            label: field.label,
            command: it.body.join('\n'),
            line: it.line,
          });
          field.blocks++;
        } else stray(it);
        break;
      case 'value':
        if (it.kind === 'block' && !field.filled) {
          c[field.into].push({
            text: it.body.join('\n'),
            form: 'block',
            line: it.line,
            audit: lastAudit(),
          });
          field.filled = true;
        } else if (
          it.kind === 'block' &&
          field.into === 'returned' &&
          field.auditBefore?.kind === 'audit'
        ) {
          // CIS 1.4 lists several commands under one audit label, each with its Returned Value.
          field = resumeAudit(c, field.auditBefore, it, close);
        } else stray(it);
        break;
      default:
        stray(it);
    }
  }
  close();
}

/** The audit a Note or value interrupts, if any. */
function auditContext(f: Field): Field | null {
  if (f.kind === 'audit') return f;
  if (f.kind === 'text' || f.kind === 'value') return f.auditBefore;
  return null;
}

/** Another command of an audit label that a Note or Returned Value came between. */
function resumeAudit(
  c: LaterGuideControl,
  a: Field,
  it: Block,
  close: (keepAudit: boolean) => void,
): Field {
  if (a.kind !== 'audit') return a;
  close(true);
  c.audits.push({ kind: a.audit, label: a.label, command: it.body.join('\n'), line: it.line });
  a.blocks = Math.max(a.blocks, 0) + 1;
  return a;
}
