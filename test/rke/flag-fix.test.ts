import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profiles/load.js';
import { fixFlagCheck, type RkeOwn } from '../../src/rke/remediate/flag-fix.js';

const profile = loadProfile('rke-cis-1.3.0');
const checkOf = (id: string) => {
  const check = profile.controls.find((c) => c.id === id)?.check;
  if (check?.kind !== 'flag') throw new Error(`${id} is not a flag check`);
  return check;
};
const own: RkeOwn = { overridable: new Set(), fixed: new Set(), defaults: new Map() };

describe('fixFlagCheck with groups of tests', () => {
  it('adds a missing plugin to --enable-admission-plugins when that is the flag given', () => {
    const state = new Map([['--enable-admission-plugins', 'NodeRestriction']]);
    expect(fixFlagCheck(checkOf('1.1.11'), state, own)).toBe(true);
    expect(state.get('--enable-admission-plugins')).toBe('NodeRestriction,AlwaysPullImages');
    expect(state.has('--admission-control')).toBe(false);
  });

  it('adds it to the deprecated --admission-control when only that is given (never both flags)', () => {
    const state = new Map([['--admission-control', 'NodeRestriction']]);
    expect(fixFlagCheck(checkOf('1.1.11'), state, own)).toBe(true);
    expect(state.get('--admission-control')).toBe('NodeRestriction,AlwaysPullImages');
    expect(state.has('--enable-admission-plugins')).toBe(false);
  });

  it('removes AlwaysAdmit from both flags for 1.1.10', () => {
    const state = new Map([['--admission-control', 'AlwaysAdmit,NodeRestriction']]);
    expect(fixFlagCheck(checkOf('1.1.10'), state, own)).toBe(true);
    expect(state.get('--admission-control')).toBe('NodeRestriction');
  });

  it('drops AdvancedAuditing=false and sets the audit policy for 1.1.37', () => {
    const state = new Map([['--feature-gates', 'AdvancedAuditing=false']]);
    expect(fixFlagCheck(checkOf('1.1.37'), state, own)).toBe(true);
    expect(state.has('--feature-gates')).toBe(false);
    expect(state.get('--audit-policy-file')).toBe('/etc/kubernetes/audit.yaml');
  });
});
