import { InputError } from '../base/errors.js';
import { ROLE_MARKERS, ROLES, type Role } from '../evidence/constants.js';
import type { ContainerEvidence, Evidence } from '../evidence/schema.js';

/** Parses `--role controlplane,etcd`. */
export function parseRoles(text: string): Role[] {
  const roles = text
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || bad.length > 0) {
    throw new InputError(
      `--role ${JSON.stringify(text)}: expected a comma-separated list of ${ROLES.join(', ')}`,
    );
  }
  return ROLES.filter((r) => roles.includes(r));
}

/** Roles from the marker containers present, or the override; the reason says what was seen. */
export function detectRoles(
  containers: Record<string, ContainerEvidence>,
  override?: Role[],
): Evidence['roles'] {
  const seen = (s: ContainerEvidence['status']): string[] =>
    Object.values(ROLE_MARKERS).filter((c) => containers[c]?.status === s);
  const markers = Object.values(ROLE_MARKERS).join(', ');
  const parts = [
    seen('present').length > 0 ? `found ${seen('present').join(', ')}` : `found none of ${markers}`,
  ];
  if (seen('error').length > 0) parts.push(`could not inspect: ${seen('error').join(', ')}`);
  const found = ROLES.filter((r) => containers[ROLE_MARKERS[r]]?.status === 'present');
  if (override !== undefined) {
    return {
      detected: override,
      source: 'override',
      reason: `--role ${override.join(',')} given; ${parts.join('; ')}`,
    };
  }
  return { detected: found, source: 'containers', reason: parts.join('; ') };
}
