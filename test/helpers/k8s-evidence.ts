import type { Evidence } from '../../src/evidence/schema.js';
import { makeEvidence } from './evidence.js';

type Obj = Record<string, unknown>;

/** A listed resource's evidence from its objects, keyed as the collector keys them. */
export function listed(
  apiVersion: string,
  objects: Obj[],
): Evidence['kubernetes'] extends infer K
  ? K extends { resources: Record<string, infer R> }
    ? R
    : never
  : never {
  const items: Record<string, unknown> = {};
  for (const o of objects) {
    const meta = o.metadata as { name: string; namespace?: string };
    items[meta.namespace !== undefined ? `${meta.namespace}/${meta.name}` : meta.name] = o;
  }
  return { status: 'ok', apiVersion, items };
}

/** Node evidence holding these lists (plural name -> objects) and the server version. */
export function k8sEvidence(
  lists: Record<
    string,
    Obj[] | { status: 'error'; reason: string } | { status: 'not-served'; reason: string }
  >,
  version = 'v1.23.16',
): Evidence {
  const resources: NonNullable<Evidence['kubernetes']>['resources'] = {};
  for (const [r, l] of Object.entries(lists)) resources[r] = Array.isArray(l) ? listed('v1', l) : l;
  return makeEvidence({ kubernetes: { version, resources } });
}

export const meta = (name: string, namespace?: string): Obj => ({
  metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
});
