import { ownValue } from '../../evidence/own.js';
import type { EvalContext } from '../verdict.js';
import type { Flags } from '../flags.js';

/** The container's parsed flags, or the reason they cannot be had (never a silent pass). */
export function containerFlags(ctx: EvalContext, name: string): Flags | string {
  const containers = ctx.evidence.containers;
  const c = ownValue(containers, name, containers[name]);
  if (c === undefined) return `container ${name} was not collected`;
  if (c.status === 'absent') return `container ${name} not found on this node`;
  if (c.status === 'error') return `container ${name} could not be inspected: ${c.reason}`;
  return ctx.flags(name) ?? `container ${name} could not be inspected`;
}
