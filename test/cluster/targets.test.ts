import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import { readPassphrase } from '../../src/cluster/passphrase.js';
import { clusterTargets } from '../../src/cluster/targets.js';
import {
  certificateProblem,
  describeCertificate,
  parseCertificate,
} from '../../src/collect/ssh/certificate.js';
import { loadIdentity } from '../../src/collect/ssh/identity.js';
import { fingerprint } from '../../src/collect/ssh/known-hosts.js';
import { loadClusterYml } from '../../src/rke/cluster-yml.js';

/**
 * How cluster.yml's SSH options become connections, as RKE reads them (hosts/dialer.go,
 * cluster/defaults.go), and the certificates and encrypted keys they name, made by ssh-keygen.
 */

const dir = mkdtempSync(join(tmpdir(), 'rkecis-targets-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const keygen = (name: string, ...args: string[]): string => {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-N', '', '-C', name, '-f', f, ...args]);
  return f;
};
const sign = (ca: string, key: string, ...args: string[]): string => {
  execFileSync('ssh-keygen', ['-q', '-s', ca, ...args, `${key}.pub`]);
  return `${key}-cert.pub`;
};

const key = keygen('id_ed25519', '-t', 'ed25519');
const other = keygen('id_other', '-t', 'ed25519');
const rsa = keygen('id_rsa_test', '-t', 'rsa', '-b', '2048');
const ca = keygen('ca', '-t', 'ed25519');
const cert = sign(ca, key, '-I', 'auditor', '-n', 'rancher,root', '-z', '7', '-V', '-5m:+1h');
const rsaCert = sign(ca, rsa, '-I', 'rsa-auditor', '-V', '-5m:+1h');

let n = 0;
const load = (yml: string) => {
  const f = join(dir, `cluster-${n++}.yml`);
  writeFileSync(f, yml);
  return loadClusterYml(f, { versionDefaults: false });
};
const targets = (yml: string, env: NodeJS.ProcessEnv = { HOME: dir }) =>
  clusterTargets(load(yml), env);
const node = (extra = '', address = '10.0.0.1'): string =>
  `  - {address: ${address}, user: rancher, role: [controlplane, etcd, worker]${extra}}\n`;

describe('cluster.yml SSH options, as RKE reads them', () => {
  it("takes the node's key, else the top-level one, and the certificate beside each", () => {
    const t = targets(
      [
        `ssh_key_path: ${key}`,
        `ssh_cert_path: ${cert}`,
        'nodes:',
        node(),
        node(`, ssh_key_path: ${other}`, '10.0.0.2'),
        node(`, ssh_cert_path: ${rsaCert}, ssh_key_path: ${rsa}`, '10.0.0.3'),
      ].join('\n'),
    );
    const [a, b, c] = t.nodes.map((x) => x.ssh.identity);
    // The top-level certificate goes with the top-level key...
    expect(a).toMatchObject({
      keySource: `ssh_key_path ${key}`,
      certSource: `ssh_cert_path ${cert}`,
    });
    // ...not with a node's own key.
    expect(b).toMatchObject({ keySource: `ssh_key_path ${other}` });
    expect(b?.cert).toBeUndefined();
    expect(c).toMatchObject({ certSource: `ssh_cert_path ${rsaCert}` });
    expect(t.bastion).toBeUndefined();
  });

  it('reads inline ssh_key and ssh_cert, and ~ in paths', () => {
    const inlineKey = readFileSync(key, 'utf8').replace(/\n/g, '\n      ');
    const t = targets(
      [
        'ssh_key_path: ~/id_other',
        'nodes:',
        `  - address: 10.0.0.1\n    user: rancher\n    role: [worker]\n    ssh_key: |\n      ${inlineKey}\n    ssh_cert: ${readFileSync(cert, 'utf8').trim()}`,
        node('', '10.0.0.2'),
      ].join('\n'),
    );
    const [a, b] = t.nodes.map((x) => x.ssh.identity);
    expect(a?.keySource).toMatch(/^the ssh_key of node 10\.0\.0\.1 \(.*cluster-\d+\.yml:6:\d+\)$/);
    expect(a?.key.toString()).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(a?.certSource).toMatch(/^the ssh_cert of node 10\.0\.0\.1/);
    expect(b?.keySource).toBe('ssh_key_path ~/id_other');
    expect(b?.key.equals(readFileSync(other))).toBe(true);
  });

  it('reaches every node through bastion_host, with its own login and the top-level key by default', () => {
    const t = targets(
      [
        `ssh_key_path: ${key}`,
        'bastion_host:',
        '  address: jump.example',
        '  user: ops',
        '  ignore_proxy_env_vars: true',
        'nodes:',
        node(),
      ].join('\n'),
    );
    expect(t.bastion).toMatchObject({ host: 'jump.example', port: 22, user: 'ops' });
    expect(t.bastion?.identity?.keySource).toBe(`ssh_key_path ${key}`);
    const own = targets(
      [
        'bastion_host:',
        '  address: jump.example',
        '  port: 2222',
        '  user: ops',
        `  ssh_key_path: ${rsa}`,
        `  ssh_cert_path: ${rsaCert}`,
        `ssh_key_path: ${key}`,
        'nodes:',
        node(),
      ].join('\n'),
    );
    expect(own.bastion).toMatchObject({ port: 2222 });
    expect(own.bastion?.identity).toMatchObject({
      keySource: `ssh_key_path ${rsa}`,
      certSource: `ssh_cert_path ${rsaCert}`,
    });
    // RKE ignores a bastion_host without an address.
    expect(
      targets(`ssh_key_path: ${key}\nbastion_host: {user: ops}\nnodes:\n${node()}`).bastion,
    ).toBeUndefined();
  });

  it('uses ssh-agent for every connection when the top-level ssh_agent_auth is true, and only then', () => {
    const env = { HOME: dir, SSH_AUTH_SOCK: '/run/agent.sock' };
    const on = targets(
      `ssh_agent_auth: true\nssh_key_path: /nonexistent/key\nbastion_host: {address: b, user: u}\nnodes:\n${node()}`,
      env,
    );
    // With the agent, RKE reads no key file: one that cannot be read is no problem.
    expect(on.nodes[0]?.ssh).toEqual({
      host: '10.0.0.1',
      port: 22,
      user: 'rancher',
      agent: '/run/agent.sock',
    });
    expect(on.bastion?.agent).toBe('/run/agent.sock');
    // A node's own ssh_agent_auth is overridden by the top-level one, as RKE does.
    const off = targets(`ssh_key_path: ${key}\nnodes:\n${node(', ssh_agent_auth: true')}`, env);
    expect(off.nodes[0]?.ssh.agent).toBeUndefined();
  });

  it.each([
    [
      'a bastion_host without user',
      `ssh_key_path: KEY\nbastion_host:\n  address: jump\nnodes:\n${node()}`,
      /cluster-\d+\.yml:3:\d+: bastion_host has no user/,
    ],
    [
      'a certificate that cannot be read',
      `ssh_key_path: KEY\nnodes:\n${node(', ssh_cert_path: /nonexistent/cert.pub')}`,
      /cluster-\d+\.yml:3:\d+: cannot read the SSH certificate \/nonexistent\/cert\.pub: no such file/,
    ],
    [
      "the bastion's key that cannot be read",
      `ssh_key_path: KEY\nbastion_host: {address: j, user: u, ssh_key_path: /nonexistent/bk}\nnodes:\n${node()}`,
      /cluster-\d+\.yml:2:\d+: cannot read the SSH key \/nonexistent\/bk: no such file/,
    ],
    [
      'a folder named as a key',
      `ssh_key_path: ${tmpdir()}\nnodes:\n${node()}`,
      /cannot read the SSH key .*: a folder, not a regular file/,
    ],
    [
      'a bastion port that is not a port',
      `ssh_key_path: KEY\nbastion_host: {address: j, user: u, port: 70000}\nnodes:\n${node()}`,
      /cluster-\d+\.yml:2:\d+: port must be a TCP port number/,
    ],
  ])('refuses %s before contacting any node', (_what, yml, message) => {
    let err: unknown;
    try {
      targets(yml.replace('KEY', key));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('OpenSSH certificates and keys', () => {
  it('reads what ssh-keygen -s writes', () => {
    const c = parseCertificate(readFileSync(cert, 'utf8'));
    expect(c).toMatchObject({
      type: 'ssh-ed25519-cert-v01@openssh.com',
      certType: 1,
      keyId: 'auditor',
      serial: 7n,
      principals: ['rancher', 'root'],
    });
    const [, b64] = readFileSync(`${key}.pub`, 'utf8').split(' ');
    expect(c.publicKey.equals(Buffer.from(b64 ?? '', 'base64'))).toBe(true);
    const [, caB64] = readFileSync(`${ca}.pub`, 'utf8').split(' ');
    expect(describeCertificate(c)).toBe(
      `key ID "auditor", serial 7, signed by CA ssh-ed25519 ${fingerprint(Buffer.from(caB64 ?? '', 'base64'))}`,
    );
    expect(
      parseCertificate(readFileSync(rsaCert, 'utf8')).publicKey.equals(
        Buffer.from(readFileSync(`${rsa}.pub`, 'utf8').split(' ')[1] ?? '', 'base64'),
      ),
    ).toBe(true);
  });

  it('says why a node would refuse a certificate: expired, not yet valid, other principals, a host certificate', () => {
    const c = parseCertificate(readFileSync(cert, 'utf8'));
    expect(certificateProblem(c, 'rancher', new Date())).toBeUndefined();
    expect(certificateProblem(c, 'admin', new Date())).toBe(
      'it is for the principals "rancher", "root", not the SSH user "admin"',
    );
    expect(certificateProblem(c, 'root', new Date(Date.now() + 2 * 3600_000))).toMatch(
      /^it expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(certificateProblem(c, 'root', new Date(Date.now() - 3600_000))).toMatch(
      /^it is not valid before /,
    );
    const host = keygen('host_for_cert', '-t', 'ed25519');
    const hostCert = parseCertificate(readFileSync(sign(ca, host, '-h', '-I', 'h'), 'utf8'));
    expect(certificateProblem(hostCert, 'root', new Date())).toBe(
      'it is a host certificate, not a user certificate',
    );
  });

  it.each([
    ['a public key', () => readFileSync(`${key}.pub`, 'utf8'), /not an OpenSSH certificate/],
    ['garbage', () => 'ssh-ed25519-cert-v01@openssh.com !!!', /not base64/],
    [
      'a truncated certificate',
      () => {
        const [t, b] = readFileSync(cert, 'utf8').split(' ');
        return `${t ?? ''} ${Buffer.from(b ?? '', 'base64')
          .subarray(0, 60)
          .toString('base64')}`;
      },
      /truncated/,
    ],
  ])('refuses %s as a certificate', (_what, text, message) => {
    expect(() => parseCertificate(text())).toThrow(message);
  });

  it('refuses a certificate of another key, naming both', async () => {
    await expect(
      loadIdentity(
        {
          key: readFileSync(other),
          keySource: 'ssh_key_path other',
          cert: readFileSync(cert),
          certSource: 'ssh_cert_path c',
        },
        'root',
        undefined,
      ),
    ).rejects.toThrow(
      /^ssh_cert_path c certifies another key \(ssh-ed25519 SHA256:\S+\) than ssh_key_path other \(ssh-ed25519 SHA256:\S+\)$/,
    );
  });

  it('offers the certificate first, then the key; an RSA certificate as SHA-2 first, SHA-1 for old servers', async () => {
    const id = await loadIdentity(
      { key: readFileSync(rsa), keySource: 'k', cert: readFileSync(rsaCert), certSource: 'c' },
      'root',
      undefined,
    );
    expect(id.keys.map((k) => k.type)).toEqual([
      'rsa-sha2-512-cert-v01@openssh.com',
      'ssh-rsa-cert-v01@openssh.com',
      'ssh-rsa',
    ]);
    expect(id.tried).toMatch(/^the certificate c \(key ID "rsa-auditor".*\) and the key k$/);
  });

  it('reads PKCS#8 keys (openssl genpkey), as RKE does: RSA, ECDSA and Ed25519', async () => {
    for (const [alg, opts, type] of [
      ['RSA', ['-pkeyopt', 'rsa_keygen_bits:2048'], 'ssh-rsa'],
      ['EC', ['-pkeyopt', 'ec_paramgen_curve:P-256'], 'ecdsa-sha2-nistp256'],
      ['ed25519', [], 'ssh-ed25519'],
    ] as const) {
      const f = join(dir, `pkcs8-${alg}.pem`);
      execFileSync('openssl', ['genpkey', '-algorithm', alg, ...opts, '-out', f]);
      expect(readFileSync(f, 'utf8')).toContain('BEGIN PRIVATE KEY');
      const id = await loadIdentity({ key: readFileSync(f), keySource: f }, 'root', undefined);
      const k = id.keys[0];
      expect(k?.type).toBe(type);
      // It signs as the key it was: Node's own verify, with the public key from the PEM file.
      const data = Buffer.from('session data');
      const sig = k?.sign(data, alg === 'RSA' ? 'sha256' : undefined);
      expect(sig).toBeInstanceOf(Buffer);
      const pub = createPublicKey(readFileSync(f));
      expect(verify(alg === 'ed25519' ? null : 'sha256', data, pub, sig as Buffer)).toBe(true);
    }
  });

  it("signs as ssh2 signs with the key's own text, for every key type ssh-keygen makes", async () => {
    const ssh2 = await import('ssh2');
    const { utils } = (ssh2 as unknown as { default: typeof ssh2 }).default;
    const data = Buffer.from('session id and request');
    for (const [t, bits, hashes] of [
      ['ed25519', [], [undefined]],
      ['rsa', ['-b', '2048'], [undefined, 'sha1', 'sha256', 'sha512']],
      ['ecdsa', ['-b', '256'], [undefined]],
      ['ecdsa', ['-b', '384'], [undefined]],
      ['ecdsa', ['-b', '521'], [undefined]],
    ] as const) {
      const f = keygen(`sign-${t}-${bits.join('')}`, '-t', t, ...bits);
      const id = await loadIdentity({ key: readFileSync(f), keySource: f }, 'root', undefined);
      const ours = id.keys[0];
      const theirs = utils.parseKey(readFileSync(f));
      if (ours === undefined || theirs instanceof Error) throw new Error(`cannot read ${f}`);
      // Its own signing, not the parsed key's (which it derives from).
      expect(Object.hasOwn(ours, 'sign')).toBe(true);
      expect(ours.getPublicSSH()).toEqual(theirs.getPublicSSH());
      for (const hash of hashes) {
        const sig = ours.sign(data, hash);
        expect(sig).toBeInstanceOf(Buffer);
        // Ed25519 and RSA signatures are deterministic: the same bytes; ECDSA's are not.
        if (t === 'ecdsa') expect(theirs.verify(data, sig, hash)).toBe(true);
        else expect(sig).toEqual(theirs.sign(data, hash));
      }
    }
  });

  it('decrypts an encrypted key with the passphrase, and names a wrong or missing one', async () => {
    const enc = join(dir, 'id_enc');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-f', enc]);
    const spec = { key: readFileSync(enc), keySource: 'ssh_key_path id_enc' };
    const ok = await loadIdentity(spec, 'root', Buffer.from('open sesame'));
    expect(ok.keys.map((k) => k.type)).toEqual(['ssh-ed25519']);
    await expect(loadIdentity(spec, 'root', Buffer.from('nope'))).rejects.toThrow(
      'ssh_key_path id_enc: the passphrase given does not decrypt it (wrong passphrase)',
    );
    await expect(loadIdentity(spec, 'root', undefined)).rejects.toThrow(
      /^ssh_key_path id_enc is encrypted: give its passphrase in the environment variable RKECIS_SSH_PASSPHRASE/,
    );
  });
});

describe('the passphrase of encrypted keys', () => {
  it('is the first line of --ssh-passphrase-file, else RKECIS_SSH_PASSPHRASE, else none', () => {
    const f = join(dir, 'pass');
    writeFileSync(f, 'secret words\r\nsecond line\n');
    expect(readPassphrase(f, { RKECIS_SSH_PASSPHRASE: 'env' })?.toString()).toBe('secret words');
    expect(readPassphrase(undefined, { RKECIS_SSH_PASSPHRASE: 'env' })?.toString()).toBe('env');
    expect(readPassphrase(undefined, {})).toBeUndefined();
  });

  it('refuses a passphrase file that is missing, empty or not a file', () => {
    const empty = join(dir, 'empty-pass');
    writeFileSync(empty, '\n');
    expect(() => readPassphrase(join(dir, 'none'), {})).toThrow(
      /--ssh-passphrase-file .*none: no such file/,
    );
    expect(() => readPassphrase(empty, {})).toThrow(/the file is empty/);
    expect(() => readPassphrase('/dev/zero', {})).toThrow(/not a regular file/);
  });
});
