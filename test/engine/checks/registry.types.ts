/**
 * Type-level tests, compiled by kinds.test.ts (not run): each `@ts-expect-error` marks code that
 * must not compile, and kinds.test.ts also compiles this file without the markers to show that
 * every one of them stands on a real error. A check kind lacking a module, or a module lacking a
 * part, and an operator table lacking one of the format's operators, do not compile.
 */
import kinds, { type KindRegistry } from '../../../src/engine/checks/index.js';
import { defineKind } from '../../../src/engine/checks/kind.js';
import operators, { type OperatorTable } from '../../../src/engine/operators/index.js';

const fixed = kinds.fixed;
const parts = {
  messages: fixed.messages,
  evaluate: (...a: Parameters<typeof fixed.evaluate>) => fixed.evaluate(...a),
  requires: (...a: Parameters<typeof fixed.requires>) => {
    fixed.requires(...a);
  },
  plan: (...a: Parameters<typeof fixed.plan>) => fixed.plan(...a),
  fix: (...a: Parameters<typeof fixed.fix>) => fixed.fix(...a),
};
type Parts = typeof parts;

/** The parts without one. */
const without = <K extends keyof Parts>(key: K): Omit<Parts, K> =>
  Object.fromEntries(Object.entries(parts).filter(([k]) => k !== key)) as Omit<Parts, K>;

/** The registry as it is, and a whole module: these compile. */
export const whole: KindRegistry = kinds;
export const complete = defineKind<'fixed'>(parts);

// @ts-expect-error -- a registry without the module of one kind (fixed)
export const missingKind: KindRegistry = {
  flag: kinds.flag,
  'cipher-list': kinds['cipher-list'],
  'file-mode': kinds['file-mode'],
  'file-owner': kinds['file-owner'],
  'file-content': kinds['file-content'],
  'k8s-object': kinds['k8s-object'],
};

// @ts-expect-error -- the module of another kind in a kind's place
export const wrongKind: KindRegistry = { ...kinds, fixed: kinds.flag };

// @ts-expect-error -- a module for a kind the profile format does not define
export const unknownKind: KindRegistry = { ...kinds, 'file-hash': kinds['file-mode'] };

// @ts-expect-error -- a module without its messages
export const noMessages = defineKind<'fixed'>(without('messages'));

// @ts-expect-error -- a module without its evaluation
export const noEvaluate = defineKind<'fixed'>(without('evaluate'));

// @ts-expect-error -- a module without the evidence it requires
export const noRequires = defineKind<'fixed'>(without('requires'));

// @ts-expect-error -- a module without its plan
export const noPlan = defineKind<'fixed'>(without('plan'));

// @ts-expect-error -- a module without its fix
export const noFix = defineKind<'fixed'>(without('fix'));

/** The engine's operators are a table of the format's operator names: this compiles. */
export const table: OperatorTable = operators;

// @ts-expect-error -- an operator table without one of the format's operators (nothave_item)
export const missingOperator: OperatorTable = {
  eq: operators.eq,
  noteq: operators.noteq,
  has: operators.has,
  nothave: operators.nothave,
  gt: operators.gt,
  gte: operators.gte,
  lt: operators.lt,
  lte: operators.lte,
  bitmask: operators.bitmask,
  valid_elements: operators.valid_elements,
  regex: operators.regex,
  has_item: operators.has_item,
};

// @ts-expect-error -- an operator the format does not name
export const extraOperator: OperatorTable = { ...operators, matches: operators.regex };
