import { summarize } from '../../src/report/summary.js';
import type { NodeReport, Result } from '../../src/report/types.js';

/** Evidence text that every format must carry through unharmed: markup, pipes, fences, quotes, controls. */
export const HOSTILE =
  '<script>window.__pwned = 1</script> | a|b ``` `x` & "q" \'s\' <img src=x onerror="window.__pwned=2"> \u0001end';

const base = {
  role: 'controlplane' as const,
  audit:
    'docker inspect kube-apiserver | jq -e \'.[0].Args[] | match("--anonymous-auth=false").string\'',
  guideResult: 'Pass',
};

/**
 * A small fixed report with one result of every kind, including a waived failure and hostile
 * evidence. Listed out of order on purpose: formatters must sort.
 */
export function sampleResults(): Result[] {
  return [
    {
      ...base,
      id: '1.1.10',
      title: 'Ensure that the admission control plugin AlwaysAdmit is not set',
      section: '1.1',
      scored: true,
      status: 'fail',
      actual: HOSTILE,
      expected: 'AlwaysAdmit not in --enable-admission-plugins',
      remediation:
        'In the RKE cluster.yml set:\n\nservices:\n  kube-api:\n    extra_args:\n      enable-admission-plugins: "NodeRestriction"\n\nThen run `rke up --config cluster.yml`.',
      guideResult: 'Pass',
    },
    {
      ...base,
      id: '1.1.2',
      title: 'Ensure that the --basic-auth-file argument is not set',
      section: '1.1',
      scored: true,
      status: 'pass',
      actual: '--basic-auth-file not set',
      expected: 'not set',
      remediation: 'Remove `basic-auth-file` from `services.kube-api.extra_args`.',
    },
    {
      ...base,
      id: '1.1.21',
      title: 'Ensure that the --kubelet-certificate-authority argument is set as appropriate',
      section: '1.1',
      scored: true,
      status: 'fail',
      actual: '--kubelet-certificate-authority not set',
      expected: '--kubelet-certificate-authority set',
      remediation: 'Apply the mitigation.',
      notes: "RKE is using the kubelet's ability to automatically create self-signed certs.",
      mitigation: 'Use network ACLs to restrict connections to the kubelet port (10250/tcp).',
      guideResult: 'Fail (See Mitigation)',
      waiver: {
        justification: 'Rancher known failure; ACLs restrict 10250/tcp.',
        approvedBy: 'Jane Doe',
        expires: '2030-01-31',
        source: 'waivers.yaml:4:5',
      },
    },
    {
      ...base,
      id: '1.4.1',
      title:
        'Ensure that the API server pod specification file permissions are set to 644 or more restrictive',
      section: '1.4',
      scored: true,
      status: 'not-applicable',
      actual: 'not applicable to RKE',
      expected: 'not applicable on RKE',
      audit: '',
      reason: 'RKE runs the API server as a container, not a static pod.',
      remediation: 'None needed.',
      role: 'controlplane',
      guideResult: 'Pass (Not Applicable)',
    },
    {
      ...base,
      id: '1.4.11',
      title: 'Ensure that the etcd data directory permissions are set to 700 or more restrictive',
      section: '1.4',
      scored: true,
      status: 'error',
      role: 'etcd',
      actual: 'could not read /var/lib/etcd',
      expected: '700 or more restrictive',
      audit: 'stat -c %a /var/lib/etcd',
      reason: 'EACCES: permission denied, stat /host/var/lib/etcd',
      remediation: 'chmod 700 /var/lib/etcd',
      guideResult: 'Fail',
    },
    {
      ...base,
      id: '1.6.1',
      title: 'Ensure that the cluster-admin role is only used where required',
      section: '1.6',
      scored: false,
      status: 'manual',
      role: 'cluster',
      actual: 'cluster-admin is bound to: system:masters',
      expected: 'a person decides',
      audit:
        'kubectl get clusterrolebindings -o=custom-columns=NAME:.metadata.name,ROLE:.roleRef.name',
      reason: 'Whether each binding is required is for a person to judge.',
      remediation: 'Remove bindings that are not required.',
      guideResult: 'None',
    },
    {
      ...base,
      id: '2.1.9',
      title: 'Ensure that the --hostname-override argument is not set',
      section: '2.1',
      scored: false,
      status: 'fail',
      role: 'worker',
      actual: '--hostname-override=10.0.0.5',
      expected: 'not set',
      audit:
        'docker inspect kubelet | jq -e \'.[0].Args[] | match("--hostname-override=.*").string\'',
      remediation: 'RKE always sets it.',
      guideResult: 'Fail',
    },
  ];
}

export function sampleReport(overrides: Partial<NodeReport> = {}): NodeReport {
  const results = sampleResults();
  return {
    rkecisVersion: '0.0.0-test',
    generatedAt: '2024-05-06T07:08:09Z',
    profile: {
      name: 'rke-cis-1.3.0',
      title: 'CIS Benchmark Rancher Self-Assessment Guide v2.1',
      benchmark: 'CIS Kubernetes Benchmark 1.3.0',
      kubernetes: '1.11',
      methodology:
        'Rancher and RKE install Kubernetes services via Docker containers.\n\nThe commands use `jq`.',
      groups: [
        { id: '1', title: 'Master Node Security Configuration' },
        { id: '2', title: 'Worker Node Security Configuration' },
      ],
      sections: [
        { id: '1.1', title: 'API Server' },
        { id: '1.4', title: 'Configuration Files' },
        { id: '1.6', title: 'General Security Primitives' },
        { id: '2.1', title: 'Kubelet' },
      ],
    },
    node: {
      name: 'node-1',
      roles: ['controlplane', 'etcd', 'worker'],
      rolesSource: 'declared',
      skipped: [],
      kubernetesVersion: 'v1.11.5-rancher1',
    },
    summary: { ...summarize(results), waived: 1 },
    results,
    waivers: {
      file: 'waivers.yaml',
      applied: [
        {
          control: '1.1.21',
          justification: 'Rancher known failure; ACLs restrict 10250/tcp.',
          approvedBy: 'Jane Doe',
          expires: '2030-01-31',
          source: 'waivers.yaml:4:5',
        },
      ],
      expired: [
        {
          control: '1.1.10',
          justification: 'old exception',
          expires: '2020-01-01',
          source: 'waivers.yaml:9:5',
        },
      ],
      unused: [
        {
          control: '9.9.9',
          justification: 'typo',
          source: 'waivers.yaml:13:5',
          reason: 'control 9.9.9 was not evaluated on this node',
        },
      ],
    },
    ...overrides,
  };
}

/** The same report without the CLI's stamps and waivers: what formatters get from `evaluate` alone. */
export function bareReport(): NodeReport {
  const bare: NodeReport = sampleReport();
  delete bare.rkecisVersion;
  delete bare.generatedAt;
  delete bare.waivers;
  bare.results = bare.results.map((r) => {
    const copy = { ...r };
    delete copy.waiver;
    return copy;
  });
  bare.summary = summarize(bare.results);
  return bare;
}
