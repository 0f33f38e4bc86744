import { describe, expect, it } from 'vitest';
import { parseLaterGuide } from '../helpers/later-guide.js';

const md = (...lines: string[]): string => lines.join('\n') + '\n';

/** CIS 1.4 style (v2.2): docker inspect audits, labelled parts, inline Returned Values. */
const CIS14 = md(
  '### Controls',
  '',
  '## 1 - Master Node Security Configuration',
  '',
  '### 1.1 - API Server',
  '',
  '#### 1.1.21 - Ensure that the `--kubelet-certificate-authority` argument is set as appropriate (Scored)',
  '',
  '**Notes**',
  '',
  "RKE is using the kubelet's ability to automatically create self-signed certs.",
  '',
  '**Mitigation**',
  '',
  'Use network ACLs to restrict connections to the kubelet port (10250/tcp).',
  '',
  '**Audit**',
  '',
  '``` bash',
  'docker inspect kube-apiserver | jq -e \'.[0].Args[] | match("--kubelet-certificate-authority=.*").string\'',
  '```',
  '',
  '**Returned Value:** none',
  '',
  '**Result:** Fail (See Mitigation)',
  '',
  '#### 1.1.22 - Ensure that the `--kubelet-client-certificate` and `--kubelet-client-key` arguments are set as appropriate (Scored)',
  '',
  '**Audit** (`--kubelet-client-certificate`)',
  '',
  '``` bash',
  'docker inspect kube-apiserver | jq -e \'.[0].Args[] | match("--kubelet-client-certificate=.*").string\'',
  '```',
  '',
  '**Returned Value:** `--kubelet-client-certificate=/etc/kubernetes/ssl/kube-apiserver.pem`',
  '',
  '**Audit** (`--kubelet-client-key`)',
  '',
  '``` bash',
  'docker inspect kube-apiserver | jq -e \'.[0].Args[] | match("--kubelet-client-key=.*").string\'',
  '```',
  '',
  '**Returned Value:**  `--kubelet-client-key=/etc/kubernetes/ssl/kube-apiserver-key.pem`',
  '',
  '**Result:** Pass',
  '',
  '#### 1.1.23 Ensure that the `--service-account-lookup` argument is set to `true` (Scored)',
  '',
  '**Note:** This deprecated flag was removed in 1.14, so it cannot be set.',
  '',
  '**Result:** Pass',
  '',
  '#### Ensure that the --authorization-mode argument includes RBAC (Scored)',
  '',
  '**Audit**',
  '',
  '```',
  'docker inspect kube-apiserver | jq -e \'.[0].Args[] | match("--authorization-mode=.*").string\'',
  '```',
  '',
  '**Returned Value:** `"--authorization-mode=Node,RBAC"`',
  '',
  '**Result:** Pass',
  '',
  '#### 1.6 - General Security Primitives',
  '',
  'These "Not Scored" controls are implementation best practices.',
  '',
  '#### 1.6.1 - Ensure that the cluster-admin role is only used where required (Not Scored)',
  '',
  '',
  'Rancher has built in support for maintaining and enforcing Kubernetes RBAC.',
  '',
  '## 2 - Worker Node Security Configuration',
  '',
  '### 2.2 - Configuration Files',
  '',
  '#### 2.2.3 - Ensure that the kubelet service file permissions are set to `644` or more restrictive (Scored)',
  '',
  '**Notes**',
  '',
  "RKE doesn't require or maintain a configuration file for kubelet.",
  '',
  '**Result:** Pass (Not Applicable)',
);

describe('parseLaterGuide: CIS 1.4 guides', () => {
  const g = parseLaterGuide(CIS14);
  const byId = (id: string | null) => g.controls.find((c) => c.id === id);

  it('finds every control heading, numbered or not, in order', () => {
    expect(g.controls.map((c) => c.id)).toEqual([
      '1.1.21',
      '1.1.22',
      '1.1.23',
      null,
      '1.6.1',
      '2.2.3',
    ]);
    expect(g.warnings).toEqual([{ line: 53, message: 'control heading without a number' }]);
  });

  it('keeps title, scoring and result as written', () => {
    const c = byId('1.1.21');
    expect(c?.title).toBe(
      'Ensure that the `--kubelet-certificate-authority` argument is set as appropriate',
    );
    expect(c?.scoring).toBe('Scored');
    expect(c?.result).toBe('Fail (See Mitigation)');
    expect(c?.resultLine).toBe(25);
    expect(byId('1.1.23')?.title).toBe(
      'Ensure that the `--service-account-lookup` argument is set to `true`',
    );
    expect(byId('1.6.1')?.scoring).toBe('Not Scored');
    expect(byId('2.2.3')?.result).toBe('Pass (Not Applicable)');
  });

  it('places each control under its group and section, also a section headed at control level', () => {
    expect(byId('1.1.21')?.group).toEqual({
      id: '1',
      title: 'Master Node Security Configuration',
      line: 3,
    });
    expect(byId('1.1.21')?.section).toEqual({ id: '1.1', title: 'API Server', line: 5 });
    expect(byId('1.6.1')?.section).toEqual({
      id: '1.6',
      title: 'General Security Primitives',
      line: 65,
    });
    expect(byId('2.2.3')?.group?.id).toBe('2');
    expect(byId('2.2.3')?.section?.id).toBe('2.2');
    expect(g.sections.find((s) => s.id === '1.6')?.text).toBe(
      'These "Not Scored" controls are implementation best practices.',
    );
  });

  it('pairs two labelled audit commands with their Returned Values', () => {
    const c = byId('1.1.22');
    expect(c?.audits).toEqual([
      {
        kind: 'Audit',
        label: '(`--kubelet-client-certificate`)',
        command:
          'docker inspect kube-apiserver | jq -e \'.[0].Args[] | match("--kubelet-client-certificate=.*").string\'',
        line: 31,
      },
      {
        kind: 'Audit',
        label: '(`--kubelet-client-key`)',
        command:
          'docker inspect kube-apiserver | jq -e \'.[0].Args[] | match("--kubelet-client-key=.*").string\'',
        line: 39,
      },
    ]);
    expect(c?.returned).toEqual([
      {
        text: '`--kubelet-client-certificate=/etc/kubernetes/ssl/kube-apiserver.pem`',
        form: 'inline',
        line: 35,
        audit: 0,
      },
      {
        text: '`--kubelet-client-key=/etc/kubernetes/ssl/kube-apiserver-key.pem`',
        form: 'inline',
        line: 43,
        audit: 1,
      },
    ]);
  });

  it('keeps notes, mitigation and inline notes apart from the audit', () => {
    expect(byId('1.1.21')?.notes).toEqual([
      {
        kind: 'Notes',
        text: "RKE is using the kubelet's ability to automatically create self-signed certs.",
        line: 9,
      },
      {
        kind: 'Mitigation',
        text: 'Use network ACLs to restrict connections to the kubelet port (10250/tcp).',
        line: 13,
      },
    ]);
    expect(byId('1.1.21')?.returned[0]?.text).toBe('none');
    expect(byId('1.1.23')?.notes).toEqual([
      {
        kind: 'Note',
        text: 'This deprecated flag was removed in 1.14, so it cannot be set.',
        line: 49,
      },
    ]);
  });

  it('reads a control with no audit: no commands, no values', () => {
    for (const id of ['1.1.23', '2.2.3', '1.6.1']) {
      expect(byId(id)?.audits).toEqual([]);
      expect(byId(id)?.returned).toEqual([]);
      expect(byId(id)?.expected).toEqual([]);
    }
    // A best practice has only text, kept as a note without a label, and no Result.
    expect(byId('1.6.1')?.result).toBeNull();
    expect(byId('1.6.1')?.notes).toEqual([
      {
        kind: null,
        text: 'Rancher has built in support for maintaining and enforcing Kubernetes RBAC.',
        line: 72,
      },
    ]);
  });

  it('keeps quotes and backticks of a Returned Value as written', () => {
    expect(byId(null)?.title).toBe('Ensure that the --authorization-mode argument includes RBAC');
    expect(byId(null)?.returned[0]?.text).toBe('`"--authorization-mode=Node,RBAC"`');
  });
});

describe('parseLaterGuide: CIS 1.4 audits interrupted by a Note, several commands under one label', () => {
  const g = parseLaterGuide(
    md(
      '#### 1.4.9 - Ensure that the Container Network Interface file permissions are set to `644` or more restrictive (Not Scored)',
      '',
      '**Audit** (`/var/lib/cni/networks/k8s-pod-network`)',
      '',
      '**Note**',
      'This may return a lockfile.',
      '',
      '``` bash',
      'stat -c "%n - %a" /var/lib/cni/networks/k8s-pod-network/*',
      '```',
      '',
      '**Returned Value:**',
      '',
      '``` bash',
      '/var/lib/cni/networks/k8s-pod-network/lock - 750',
      '```',
      '',
      '**Audit** (Disallowed Ciphers)',
      '',
      '``` bash',
      'docker inspect kubelet | jq -e \'.[0].Args[] | match("--tls-cipher-suites=.*(CBC).*").captures[].string\'',
      '```',
      '',
      '**Returned Value:** `null`',
      '',
      '``` bash',
      'docker inspect kubelet | jq -e \'.[0].Args[] | match("--tls-cipher-suites=.*(RC4).*").captures[].string\'',
      '```',
      '',
      '**Returned Value:** `null`',
      '',
      '**Result:** Pass',
    ),
  );
  const c = g.controls[0];

  it('gives the command after a Note to the audit label before it', () => {
    expect(c?.audits[0]).toEqual({
      kind: 'Audit',
      label: '(`/var/lib/cni/networks/k8s-pod-network`)',
      command: 'stat -c "%n - %a" /var/lib/cni/networks/k8s-pod-network/*',
      line: 8,
    });
    expect(c?.notes).toEqual([{ kind: 'Note', text: 'This may return a lockfile.', line: 5 }]);
    expect(c?.returned[0]).toEqual({
      text: '/var/lib/cni/networks/k8s-pod-network/lock - 750',
      form: 'block',
      line: 14,
      audit: 0,
    });
  });

  it('reads a second command under the same label, each with its own Returned Value', () => {
    expect(c?.audits.map((a) => [a.label, a.line])).toEqual([
      ['(`/var/lib/cni/networks/k8s-pod-network`)', 8],
      ['(Disallowed Ciphers)', 20],
      ['(Disallowed Ciphers)', 26],
    ]);
    expect(c?.returned.map((r) => [r.text, r.audit])).toEqual([
      ['/var/lib/cni/networks/k8s-pod-network/lock - 750', 0],
      ['`null`', 1],
      ['`null`', 2],
    ]);
    expect(g.warnings).toEqual([]);
  });
});

/** kube-bench style (CIS 1.6 and later): Audit, Audit Config, Expected Result, Returned Value. */
const KUBE_BENCH = [
  '## 4.2 Kubelet',
  '### 4.2.1 Ensure that the --anonymous-auth argument is set to false (Automated)',
  '',
  '',
  '**Result:** pass',
  '',
  '**Remediation:**',
  'If using a Kubelet config file, edit the file to set `authentication: anonymous: enabled` to',
  '`false`.',
  '--anonymous-auth=false',
  '',
  '**Audit:**',
  '',
  '```bash',
  '/bin/ps -fC kubelet',
  '```',
  '',
  '**Audit Config:**',
  '',
  '```bash',
  "/bin/sh -c 'if test -e /var/lib/kubelet/config.yaml; then /bin/cat /var/lib/kubelet/config.yaml; fi' ",
  '```',
  '',
  '**Expected Result**:',
  '',
  '```console',
  "'--anonymous-auth' is equal to 'false'",
  '```',
  '',
  '**Returned Value**:',
  '',
  '```console',
  'UID PID PPID C STIME TTY TIME CMD root 4429 4031 3 Sep11 ? 00:38:25 kubelet --anonymous-auth=false',
  '',
  '```',
  '',
  '### 4.2.8 Ensure that the --hostname-override argument is not set (Manual)',
  '',
  '',
  '**Result:** Not Applicable',
  '',
  '**Remediation:**',
  'Clusters provisioned by RKE set the --hostname-override to avoid any hostname configuration errors',
  '',
  '### 5.1.5 Ensure that default service accounts are not actively used. (Automated)',
  '',
  '**Result:** pass',
  '',
  '**Remediation:**',
  'Create explicit service accounts.',
  '',
  '**Audit Script:** `check_for_default_sa.sh`',
  '',
  '```bash',
  '#!/bin/bash',
  '',
  '# count the default service accounts',
  'set -eE',
  '```',
  '',
  '**Audit Execution:**',
  '',
  '```bash',
  './check_for_default_sa.sh ',
  '```',
  '',
  '**Expected Result**:',
  '',
  '```console',
  "'true' is equal to 'true'",
  '```',
];

describe('parseLaterGuide: kube-bench guides', () => {
  const lf = parseLaterGuide(KUBE_BENCH.join('\n') + '\n');
  const crlf = parseLaterGuide(KUBE_BENCH.join('\r\n') + '\r\n');

  it('reads Audit and Audit Config commands, Expected Result and Returned Value verbatim', () => {
    const c = lf.controls[0];
    expect(c?.id).toBe('4.2.1');
    expect(c?.scoring).toBe('Automated');
    expect(c?.group).toBeNull();
    expect(c?.section).toEqual({ id: '4.2', title: 'Kubelet', line: 1 });
    expect(c?.result).toBe('pass');
    expect(c?.remediation).toBe(
      'If using a Kubelet config file, edit the file to set `authentication: anonymous: enabled` to\n`false`.\n--anonymous-auth=false',
    );
    expect(c?.audits).toEqual([
      { kind: 'Audit', label: null, command: '/bin/ps -fC kubelet', line: 14 },
      {
        kind: 'Audit Config',
        label: null,
        // The trailing space is the guide's.
        command:
          "/bin/sh -c 'if test -e /var/lib/kubelet/config.yaml; then /bin/cat /var/lib/kubelet/config.yaml; fi' ",
        line: 20,
      },
    ]);
    expect(c?.expected).toEqual([
      { text: "'--anonymous-auth' is equal to 'false'", form: 'block', line: 26, audit: 1 },
    ]);
    // The block's empty last line is the guide's too.
    expect(c?.returned).toEqual([
      {
        text: 'UID PID PPID C STIME TTY TIME CMD root 4429 4031 3 Sep11 ? 00:38:25 kubelet --anonymous-auth=false\n',
        form: 'block',
        line: 32,
        audit: 1,
      },
    ]);
  });

  it('reads a control with no audit', () => {
    const c = lf.controls[1];
    expect(c?.id).toBe('4.2.8');
    expect(c?.scoring).toBe('Manual');
    expect(c?.result).toBe('Not Applicable');
    expect(c?.audits).toEqual([]);
    expect(c?.expected).toEqual([]);
    expect(c?.remediation).toBe(
      'Clusters provisioned by RKE set the --hostname-override to avoid any hostname configuration errors',
    );
  });

  it('does not take the comment lines of an audit script for headings', () => {
    expect(lf.controls.map((c) => c.id)).toEqual(['4.2.1', '4.2.8', '5.1.5']);
    const c = lf.controls[2];
    expect(c?.title).toBe('Ensure that default service accounts are not actively used.');
    expect(c?.audits).toEqual([
      {
        kind: 'Audit Script',
        label: '`check_for_default_sa.sh`',
        command: '#!/bin/bash\n\n# count the default service accounts\nset -eE',
        line: 54,
      },
      { kind: 'Audit Execution', label: null, command: './check_for_default_sa.sh ', line: 63 },
    ]);
    expect(lf.sections.map((s) => s.id)).toEqual(['4.2']);
  });

  it('reads a CRLF file as the LF one, without a CR in any value, and counts its CRLF lines', () => {
    expect(lf.crlfLines).toBe(0);
    expect(crlf.crlfLines).toBe(KUBE_BENCH.length);
    expect(crlf.lines).toBe(KUBE_BENCH.length);
    expect(crlf.controls).toEqual(lf.controls);
    expect(JSON.stringify(crlf.controls)).not.toContain('\\r');
  });
});

describe('parseLaterGuide: what it cannot place', () => {
  it('flags an audit label without a command, and an unclosed code block', () => {
    const g = parseLaterGuide(
      md(
        '### 3.1.1 Client certificate authentication should not be used for users (Manual)',
        '',
        '**Result:** warn',
        '',
        '**Audit:**',
        '',
        '**Remediation:**',
        'Alternative mechanisms.',
        '```bash',
        'never closed',
      ),
    );
    expect(g.controls[0]?.audits).toEqual([{ kind: 'Audit', label: null, command: null, line: 5 }]);
    expect(g.warnings).toEqual([
      { line: 9, message: 'code fence never closed' },
      { line: 5, message: 'Audit label without a code block' },
    ]);
  });

  it('keeps text where no text belongs as a note without a label', () => {
    const g = parseLaterGuide(
      md(
        '### 1.2.1 Ensure that the --anonymous-auth argument is set to false (Automated)',
        '',
        '**Result:** pass',
        'stray text',
        '',
        '**Remediation:**',
        'Edit.',
      ),
    );
    expect(g.controls[0]?.result).toBe('pass');
    expect(g.controls[0]?.notes).toEqual([{ kind: null, text: 'stray text', line: 4 }]);
    expect(g.controls[0]?.remediation).toBe('Edit.');
  });

  it('keeps the code fences of a code block inside Notes', () => {
    const g = parseLaterGuide(
      md(
        '#### 1.4.11 - Ensure that the etcd data directory permissions are set to 700 or more restrictive (Scored)',
        '',
        '**Notes**',
        '',
        'Files underneath the data dir have permissions set to `700`',
        '',
        '``` bash',
        'stat -c "%n - %a" /var/lib/etcd/*',
        '```',
        '',
        '**Audit**',
        '',
        '``` bash',
        'stat -c %a /var/lib/etcd',
        '```',
        '',
        '**Returned Value:** `755`',
        '',
        '**Result:** Fail',
      ),
    );
    const c = g.controls[0];
    expect(c?.notes[0]?.text).toBe(
      'Files underneath the data dir have permissions set to `700`\n\n``` bash\nstat -c "%n - %a" /var/lib/etcd/*\n```',
    );
    expect(c?.audits.map((a) => a.command)).toEqual(['stat -c %a /var/lib/etcd']);
    expect(c?.returned.map((r) => r.text)).toEqual(['`755`']);
  });
});
