import type { Check, CheckKind } from '../../profiles/schema.js';
import type { EvalContext, Verdict } from '../verdict.js';
import cipherList from './cipher-list.js';
import fileContent from './file-content.js';
import fileMode from './file-mode.js';
import fileOwner from './file-owner.js';
import fixed from './fixed.js';
import flag from './flag.js';
import k8sList from './k8s-list.js';
import k8sNamespaces from './k8s-namespaces.js';
import k8sObject from './k8s-object.js';
import k8sRbac from './k8s-rbac.js';
import type { CheckOf, KindModule } from './kind.js';

/** One module for each check kind the profile format defines: a kind without one does not compile. */
export type KindRegistry = { readonly [K in CheckKind]: KindModule<CheckOf<K>> };

/** Every check kind, by the `kind` a profile names. */
const kinds: KindRegistry = {
  flag,
  'cipher-list': cipherList,
  'file-mode': fileMode,
  'file-owner': fileOwner,
  'file-content': fileContent,
  'k8s-object': k8sObject,
  'k8s-list': k8sList,
  'k8s-namespaces': k8sNamespaces,
  'k8s-rbac': k8sRbac,
  fixed,
};

export default kinds;

/** The module of a check's kind, for the parts that run once per control (not per node). */
export const kindOf = (check: Check): KindModule<Check> => kinds[check.kind];

export function runCheck(check: Check, ctx: EvalContext): Verdict {
  // A switch rather than a lookup in the table: this runs for every control of every node.
  switch (check.kind) {
    case 'flag':
      return flag.evaluate(check, ctx);
    case 'cipher-list':
      return cipherList.evaluate(check, ctx);
    case 'file-mode':
      return fileMode.evaluate(check, ctx);
    case 'file-owner':
      return fileOwner.evaluate(check, ctx);
    case 'file-content':
      return fileContent.evaluate(check, ctx);
    case 'k8s-object':
      return k8sObject.evaluate(check, ctx);
    case 'k8s-list':
      return k8sList.evaluate(check, ctx);
    case 'k8s-namespaces':
      return k8sNamespaces.evaluate(check, ctx);
    case 'k8s-rbac':
      return k8sRbac.evaluate(check, ctx);
    case 'fixed':
      return fixed.evaluate(check, ctx);
  }
}
