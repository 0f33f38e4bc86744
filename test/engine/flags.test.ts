import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flagSyntaxOf, parseFlags } from '../../src/engine/flags.js';

describe('parseFlags (pflag semantics)', () => {
  it('reads --name=value, keeps the command name out', () => {
    const f = parseFlags(['kube-apiserver', '--anonymous-auth=false', '--secure-port=6443']);
    expect([...f]).toEqual([
      ['--anonymous-auth', 'false'],
      ['--secure-port', '6443'],
    ]);
  });
  it('a bare boolean is true and never swallows the next argument', () => {
    const f = parseFlags(['etcd', '--client-cert-auth', 'stray', '--peer-client-cert-auth']);
    expect(f.get('--client-cert-auth')).toBe('true');
    expect(f.get('--peer-client-cert-auth')).toBe('true');
  });
  it('--name value for non-boolean flags', () => {
    const f = parseFlags(['kubelet', '--hostname-override', '10.0.0.1', '--v', '2']);
    expect(f.get('--hostname-override')).toBe('10.0.0.1');
    expect(f.get('--v')).toBe('2');
  });
  it('the last occurrence wins', () => {
    const f = parseFlags(['x', '--profiling=false', '--profiling=true']);
    expect(f.get('--profiling')).toBe('true');
  });
  it('single-dash flags (Go flag package, etcd) read like double-dash', () => {
    expect(parseFlags(['etcd', '-auto-tls=true'], 'go').get('--auto-tls')).toBe('true');
    expect(flagSyntaxOf('etcd')).toBe('go');
  });
  it('under pflag, a single-dash name is not the flag it spells: that flag is unsure', () => {
    expect(flagSyntaxOf('kube-apiserver')).toBe('pflag');
    for (const args of [
      ['kube-apiserver', '-anonymous-auth=false'],
      ['kube-apiserver', '--anonymous-auth=false', '-anonymous-auth=true'],
      ['kube-apiserver', '-anonymous-auth=true', '--anonymous-auth=false'],
      ['kube-apiserver', '-anonymous-auth', 'false'],
    ]) {
      const f = parseFlags(args);
      expect(f.get('--anonymous-auth') === 'true', JSON.stringify(args)).toBe(false);
      expect(f.unsure?.get('--anonymous-auth'), JSON.stringify(args)).toMatch(
        /is not --anonymous-auth: .*single dash/,
      );
    }
    // klog's -v is the shorthand Kubernetes components do have.
    expect(parseFlags(['kubelet', '-v=2']).get('--v')).toBe('2');
    expect(parseFlags(['kubelet', '-v', '2']).get('--v')).toBe('2');
    expect(parseFlags(['kubelet', '-v=2']).unsure).toBeUndefined();
  });
  it('values keep = signs, commas, newlines and shell metacharacters verbatim', () => {
    const v = 'a=b,$(rm -rf /);`x`\nnext';
    expect(parseFlags([`--feature-gates=${v}`]).get('--feature-gates')).toBe(v);
  });
  it('stops at --', () => {
    expect(parseFlags(['--', '--profiling=false']).size).toBe(0);
  });
  it('never throws and only yields --keys, whatever the args', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (args) => {
        const f = parseFlags(args);
        for (const k of f.keys()) expect(k.startsWith('--')).toBe(true);
      }),
    );
  });
  it('--name=value round-trips any value', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,20}$/), fc.string(), (name, value) => {
        expect(parseFlags([`--${name}=${value}`]).get(`--${name}`)).toBe(value);
      }),
    );
  });
});
