import type { Check, CheckKind } from '../../profiles/schema.js';
import type { EvalContext, Verdict } from '../verdict.js';
import { cipherList } from './cipher-list.js';
import { fileContent } from './file-content.js';
import { fileMode } from './file-mode.js';
import { fileOwner } from './file-owner.js';
import { fixed } from './fixed.js';
import { flag } from './flag.js';
import { k8sObject } from './k8s-object.js';

type Runner<K extends CheckKind> = (
  check: Extract<Check, { kind: K }>,
  ctx: EvalContext,
) => Verdict;

/** Every check kind, by the `kind` a profile names. */
const checks: { [K in CheckKind]: Runner<K> } = {
  flag,
  'cipher-list': cipherList,
  'file-mode': fileMode,
  'file-owner': fileOwner,
  'file-content': fileContent,
  'k8s-object': k8sObject,
  fixed,
};

export default checks;

export function runCheck(check: Check, ctx: EvalContext): Verdict {
  // A switch rather than a lookup in the table: this runs for every control of every node.
  switch (check.kind) {
    case 'flag':
      return flag(check, ctx);
    case 'cipher-list':
      return cipherList(check, ctx);
    case 'file-mode':
      return fileMode(check, ctx);
    case 'file-owner':
      return fileOwner(check, ctx);
    case 'file-content':
      return fileContent(check, ctx);
    case 'k8s-object':
      return k8sObject(check, ctx);
    case 'fixed':
      return fixed(check, ctx);
  }
}
