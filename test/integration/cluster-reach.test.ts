import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRoles } from '../../src/collect/collect.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence, Role } from '../../src/evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import type { ClusterReport, NodeReport, Status } from '../../src/report/types.js';
import { BIN, type CliRun } from '../helpers/run-cli.js';
import { runCliAsync as cli } from '../helpers/run-cli-async.js';
import { run, SKIP_DOCKER } from './engine.js';
import { importImages, plantApiServer, plantContainers, plantRoot } from './plant-node.js';
import {
  keygen,
  sshUnavailable,
  startBastion,
  startNetns,
  startSshNode,
  type Bastion,
  type SshNode,
} from './ssh-node.js';

/**
 * Reaching every node RKE reaches, with real components: a real OpenSSH bastion in front of
 * nodes that only it can reach (their sshd listen in a network namespace of their own; the
 * bastion's sshd runs there too, handed each connection from the machine's loopback), a node
 * whose sshd trusts a user CA and has no authorized_keys, passphrase-protected keys through
 * the passphrase option, the environment and ssh-agent, and a dockerd listening with
 * --tlsverify on certificates made here. Each cluster.yml entry names an sshd; several entries
 * may name the same one under different names, to try different keys against it.
 */

const profile = loadProfile(DEFAULT_PROFILE);
const hardened = readEvidence('examples/hardened-node.json');
const ROLES: Role[] = ['controlplane', 'etcd', 'worker'];
const here = (f: string): string => new URL(f, import.meta.url).pathname;
const PASSPHRASE = 'correct horse battery staple';

/** What evaluating the planted node alone gives, per control (node-scoped ones). */
function expectedStatuses(name: string): Map<string, Status> {
  const ev: Evidence = { ...hardened, node: { name, hostname: name } };
  const report = evaluate(profile, { ...ev, roles: declaredRoles(ev.containers, ROLES) });
  return new Map(report.results.filter((r) => r.role !== 'cluster').map((r) => [r.id, r.status]));
}

function statusesOf(report: ClusterReport, node: string): Map<string, Status> {
  const out = new Map<string, Status>();
  for (const r of report.results) {
    const s = r.nodes[node];
    if (r.scope === 'node' && s !== undefined) out.set(r.id, s);
  }
  return out;
}

const sorted = (m: Map<string, Status>): [string, Status][] => [...m.entries()].sort();
const why = sshUnavailable();

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args);
}

/** A CA and certificates signed by it, as the docker docs make them (EC keys, quick to make). */
async function makeCa(dir: string, name: string): Promise<{ ca: string; key: string }> {
  const ca = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  await openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      key,
      '-out',
      ca,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ]),
  );
  return { ca, key };
}

async function signCert(
  dir: string,
  name: string,
  ca: { ca: string; key: string },
  ext: string,
): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}-key.pem`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}-cert.pem`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `${ext}\n`);
  await openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      key,
      '-out',
      csr,
      '-subj',
      `/CN=${name}`,
    ]),
  );
  await openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.ca, '-CAkey', ca.key, '-set_serial', '1'].concat([
      '-days',
      '2',
      '-out',
      cert,
      '-extfile',
      extFile,
    ]),
  );
  return { cert, key };
}

describe.skipIf(SKIP_DOCKER)(
  'reaching nodes: bastion, certificates, passphrases, Docker TLS',
  () => {
    let dir = '';
    let engineDir = '';
    let sock = '';
    let tlsPort = 0;
    let root = '';
    let netns: Awaited<ReturnType<typeof startNetns>> | undefined;
    let keyNode: SshNode | undefined;
    let certNode: SshNode | undefined;
    let bastion: Bastion | undefined;
    let closedBastion: Bastion | undefined;
    let api: Awaited<ReturnType<typeof plantApiServer>> | undefined;
    let agent: ChildProcess | undefined;
    let relay: Server | undefined;
    const f: Record<string, string> = {};

    /** cluster.yml through the bastion (unless `bastion: false`), nodes as given. */
    function clusterYml(
      file: string,
      nodes: { name: string; at: SshNode | undefined; [k: string]: unknown }[],
      top: Record<string, unknown> = {},
      via: Bastion | false | undefined = bastion,
    ): string {
      const path = join(dir, file);
      writeFileSync(
        path,
        stringify({
          cluster_name: 'reach',
          // The version the profile is chosen by (README: Which profile).
          kubernetes_version: 'v1.11.3-rancher1-1',
          ssh_key_path: f.userKey,
          ssh_cert_path: f.userCert,
          ...(via !== false && via !== undefined
            ? { bastion_host: { address: '127.0.0.1', port: String(via.port), user: 'root' } }
            : {}),
          ...top,
          nodes: nodes.map(({ name, at, ...rest }) => ({
            address: '127.0.0.1',
            port: String(at?.port ?? 1),
            user: 'root',
            hostname_override: name,
            role: ROLES,
            ...rest,
          })),
        }),
      );
      return path;
    }

    /**
     * When not one node could be scanned, rkecis writes no report (exit 2) and says, in one line,
     * each node's reason, nodes with the same reason together: "A, B: reason. C: reason". The
     * node names come from the cluster.yml, so the parts are found by them.
     */
    const noNodeReasons = (config: string, stderr: string): Record<string, string> => {
      const doc = parse(readFileSync(config, 'utf8')) as { nodes: { hostname_override: string }[] };
      const names = doc.nodes.map((n) =>
        n.hostname_override.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      );
      const list = `(?:${names.join('|')})(?:, (?:${names.join('|')}))*`;
      const text = stderr.replace(/^rkecis: .*? no report written\. /, '').trimEnd();
      const out: Record<string, string> = {};
      const part = new RegExp(`(?:^|\\. )(${list}): `, 'g');
      const heads = [...text.matchAll(part)];
      heads.forEach((m, i) => {
        const end = heads[i + 1]?.index ?? text.length;
        const reason = text.slice(m.index + m[0].length, end);
        for (const n of (m[1] ?? '').split(', ')) out[n] = reason;
      });
      return out;
    };

    const scanCluster = async (
      config: string,
      more: string[] = [],
      env: NodeJS.ProcessEnv = {},
    ): Promise<{ res: CliRun; report: ClusterReport; why: Record<string, string> }> => {
      const res = await cli(
        [
          'cluster',
          '--config',
          config,
          '--known-hosts',
          f.knownHosts ?? '',
          '--kubeconfig',
          api?.kubeconfig ?? '',
          '--timeout',
          '20',
          '--format',
          'json',
          ...more,
        ],
        { env: { RKECIS_SSH_PASSPHRASE: '', SSH_AUTH_SOCK: '', ...env } },
      );
      // A run that wrote no report (bad input, or not one node scanned) has no coverage to read.
      const report = JSON.parse(
        res.stdout || '{"nodes":[],"coverage":{"notScanned":[]}}',
      ) as ClusterReport;
      const reasons: Record<string, string> =
        res.stdout === '' ? noNodeReasons(config, res.stderr) : {};
      for (const n of report.coverage.notScanned) reasons[n.name] = n.reason;
      return { res, report, why: reasons };
    };

    beforeAll(async () => {
      if (why !== undefined)
        throw new Error(`the reach tests cannot run: ${why} (RKECIS_SKIP_DOCKER=1 skips them)`);
      if (!existsSync(join(BIN, '../../dist/cli/main.js')))
        throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
      dir = mkdtempSync('/tmp/rkr-');

      // Docker: one engine for every node here, on a unix socket and, with TLS, on a TCP port.
      const tls = join(dir, 'tls');
      mkdirSync(tls);
      const ca = await makeCa(tls, 'ca');
      const server = await signCert(
        tls,
        'server',
        ca,
        'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth',
      );
      const client = await signCert(tls, 'client', ca, 'extendedKeyUsage=clientAuth');
      Object.assign(f, { ca: ca.ca, clientCert: client.cert, clientKey: client.key });
      const probe = createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      tlsPort = (probe.address() as { port: number }).port;
      await new Promise<void>((r) =>
        probe.close(() => {
          r();
        }),
      );
      engineDir = join(dir, 'd');
      const { stdout } = await run('bash', [
        here('./start-dockerd.sh'),
        engineDir,
        '--tlsverify',
        `--tlscacert=${ca.ca}`,
        `--tlscert=${server.cert}`,
        `--tlskey=${server.key}`,
        `--host=tcp://127.0.0.1:${tlsPort}`,
      ]);
      const host = /RKECIS_TEST_DOCKER_HOST=(\S+)/.exec(stdout)?.[1] ?? '';
      sock = host.slice('unix://'.length);
      const images = [
        ...new Set(
          Object.values(hardened.containers).flatMap((c) =>
            c.status === 'present' ? [c.image] : [],
          ),
        ),
      ];
      await importImages(host, images);
      await plantContainers(host, hardened, { start: false });
      root = plantRoot({ ...hardened, node: { name: 'n-key', hostname: 'n-key' } });
      api = await plantApiServer(hardened);

      // Keys: the auditor's key and its certificate from the nodes' CA, an expired certificate,
      // one from another CA, and two passphrase-protected keys (one of another passphrase).
      f.userKey = join(dir, 'id_ed25519');
      const userPub = await keygen(f.userKey, 'auditor');
      const sshCa = join(dir, 'user_ca');
      const otherCa = join(dir, 'other_ca');
      await keygen(sshCa, 'user-ca');
      await keygen(otherCa, 'other-ca');
      const sign = async (ca: string, id: string, validity: string, out: string): Promise<void> => {
        const pub = `${f.userKey}.pub`;
        await run('ssh-keygen', ['-q', '-s', ca, '-I', id, '-n', 'root', '-V', validity, pub]);
        await run('mv', [`${f.userKey}-cert.pub`, out]);
      };
      f.userCert = join(dir, 'good-cert.pub');
      f.expiredCert = join(dir, 'expired-cert.pub');
      f.otherCaCert = join(dir, 'other-ca-cert.pub');
      await sign(sshCa, 'auditor', '-5m:+1h', f.userCert);
      await sign(sshCa, 'auditor-old', '20200101:20200102', f.expiredCert);
      await sign(otherCa, 'auditor-elsewhere', '-5m:+1h', f.otherCaCert);
      f.encKey = join(dir, 'id_protected');
      f.otherEncKey = join(dir, 'id_other_pass');
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'p', '-f', f.encKey]);
      await run('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        'another one',
        '-C',
        'o',
        '-f',
        f.otherEncKey,
      ]);
      f.passFile = join(dir, 'passphrase');
      writeFileSync(f.passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
      const pubOf = (k: string): string => readFileSync(`${k}.pub`, 'utf8').trim();

      // The nodes, in a network namespace of their own; the bastion in front of them.
      netns = await startNetns();
      keyNode = await startSshNode({
        dir: join(dir, 'key-node'),
        name: 'key-node',
        root,
        dockerSocket: sock,
        authorizedKeys: [userPub, pubOf(f.encKey), pubOf(f.otherEncKey)].join('\n'),
        netns: netns.path,
      });
      certNode = await startSshNode({
        dir: join(dir, 'cert-node'),
        name: 'cert-node',
        root,
        dockerSocket: sock,
        extraConfig: [`TrustedUserCAKeys ${sshCa}.pub`],
        netns: netns.path,
      });
      bastion = await startBastion({
        dir: join(dir, 'bastion'),
        netns: netns.path,
        authorizedKeys: userPub,
      });
      closedBastion = await startBastion({
        dir: join(dir, 'closed-bastion'),
        netns: netns.path,
        authorizedKeys: userPub,
        allowTcpForwarding: 'no',
      });
      const line = (port: number, key: string): string => `[127.0.0.1]:${port} ${key}`;
      f.knownHosts = join(dir, 'known_hosts');
      writeFileSync(
        f.knownHosts,
        [
          line(bastion.port, bastion.hostKey),
          line(closedBastion.port, closedBastion.hostKey),
          line(keyNode.port, keyNode.hostKey),
          line(certNode.port, certNode.hostKey),
          '',
        ].join('\n'),
      );
    }, 400_000);

    afterAll(async () => {
      relay?.close();
      agent?.kill('SIGTERM');
      await bastion?.stop();
      await closedBastion?.stop();
      await keyNode?.stop();
      await certNode?.stop();
      await netns?.stop();
      await api?.close();
      if (engineDir !== '')
        await run('bash', [here('./stop-dockerd.sh'), engineDir]).catch(() => undefined);
      if (root !== '') rmSync(root, { recursive: true, force: true });
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    }, 180_000);

    describe('through a bastion host', () => {
      it('reaches nodes only the bastion reaches, over one connection to it, with keys, certificates and passphrases', async () => {
        const before = bastion?.connections() ?? 0;
        const config = clusterYml('main.yml', [
          // The top-level key (its top-level certificate is refused here, then the key is not).
          { name: 'n-key', at: keyNode },
          // Nothing but the certificate of the top-level key gets in: TrustedUserCAKeys only.
          { name: 'n-cert', at: certNode },
          { name: 'n-pass', at: keyNode, ssh_key_path: f.encKey },
          { name: 'n-expired', at: certNode, ssh_cert_path: f.expiredCert },
          { name: 'n-other-ca', at: certNode, ssh_cert_path: f.otherCaCert },
          { name: 'n-wrong-pass', at: keyNode, ssh_key_path: f.otherEncKey },
        ]);
        const {
          res,
          report,
          why: reasons,
        } = await scanCluster(config, ['--ssh-passphrase-file', f.passFile ?? '']);
        expect(report.nodes.map((n) => n.name)).toEqual(['n-cert', 'n-key', 'n-pass']);
        for (const n of ['n-cert', 'n-key', 'n-pass'])
          expect(sorted(statusesOf(report, n))).toEqual(sorted(expectedStatuses(n)));
        // One SSH connection to the bastion for the whole run; a channel through it per node.
        expect((bastion?.connections() ?? 0) - before).toBe(1);

        expect(reasons['n-expired']).toMatch(
          /authentication failed for user root .*the certificate ssh_cert_path \S+expired-cert\.pub \(key ID "auditor-old", serial 0, signed by CA ssh-ed25519 SHA256:\S+\) was not offered: it expired at 2020-01-02T/,
        );
        expect(reasons['n-other-ca']).toMatch(
          /authentication failed for user root \(tried the certificate ssh_cert_path \S+other-ca-cert\.pub \(key ID "auditor-elsewhere".*signed by CA ssh-ed25519 SHA256:\S+\).*TrustedUserCAKeys/,
        );
        expect(reasons['n-wrong-pass']).toBe(
          `root@127.0.0.1:${keyNode?.port ?? 0}: ssh_key_path ${f.otherEncKey ?? ''}: the passphrase given does not decrypt it (wrong passphrase)`,
        );
        expect(res.code).toBe(1);
        expect(res.stderr).toContain('3 of 6 nodes not scanned');
        // The passphrase is in no output.
        expect(res.stdout + res.stderr).not.toContain(PASSPHRASE);
      });

      it('takes the passphrase from RKECIS_SSH_PASSPHRASE, and an encrypted key without one is named', async () => {
        const config = clusterYml('pass.yml', [
          { name: 'n-pass', at: keyNode, ssh_key_path: f.encKey },
        ]);
        const withEnv = await scanCluster(config, [], { RKECIS_SSH_PASSPHRASE: PASSPHRASE });
        expect(withEnv.report.nodes.map((n) => n.name)).toEqual(['n-pass']);
        const without = await scanCluster(config);
        expect(without.why['n-pass']).toBe(
          `root@127.0.0.1:${keyNode?.port ?? 0}: ssh_key_path ${f.encKey ?? ''} is encrypted: give its passphrase in the environment variable RKECIS_SSH_PASSPHRASE or in a file named by --ssh-passphrase-file, or load it into ssh-agent and set ssh_agent_auth: true`,
        );
      });

      it('uses ssh-agent with ssh_agent_auth: true: a passphrase-protected key, and a certificate it holds', async () => {
        const agentSock = join(dir, 'agent.sock');
        agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
        for (let i = 0; i < 100 && !existsSync(agentSock); i++)
          await new Promise((r) => setTimeout(r, 50));
        // ssh-add asks for the passphrase through SSH_ASKPASS when it has no terminal.
        const askpass = join(dir, 'askpass.sh');
        writeFileSync(askpass, `#!/bin/sh\necho '${PASSPHRASE}'\n`);
        chmodSync(askpass, 0o700);
        // ssh-add loads KEY-cert.pub with KEY: the certificate is the only way into the CA-only node.
        const certKey = join(dir, 'agent_cert_key');
        writeFileSync(certKey, readFileSync(f.userKey ?? ''), { mode: 0o600 });
        writeFileSync(`${certKey}-cert.pub`, readFileSync(f.userCert ?? ''));
        await run('ssh-add', [f.encKey ?? '', certKey], {
          env: {
            ...process.env,
            SSH_AUTH_SOCK: agentSock,
            SSH_ASKPASS: askpass,
            SSH_ASKPASS_REQUIRE: 'force',
            DISPLAY: 'none',
          },
        });
        // The bastion's key is the top-level one; the node's encrypted key file is not used
        // (no passphrase is given): only the agent can log in to it.
        const config = clusterYml(
          'agent.yml',
          [
            { name: 'n-agent', at: keyNode, ssh_key_path: f.encKey },
            { name: 'n-agent-cert', at: certNode, ssh_key_path: join(dir, 'no-such-key') },
          ],
          { ssh_agent_auth: true },
        );
        const { report, why: reasons } = await scanCluster(config, [], {
          SSH_AUTH_SOCK: agentSock,
        });
        expect(reasons).toEqual({});
        for (const n of ['n-agent', 'n-agent-cert'])
          expect(sorted(statusesOf(report, n))).toEqual(sorted(expectedStatuses(n)));
      });

      it('cannot reach the nodes without the bastion: they are in a network of their own', async () => {
        const config = clusterYml('direct.yml', [{ name: 'n-key', at: keyNode }], {}, false);
        const { why: reasons } = await scanCluster(config);
        expect(reasons['n-key']).toContain('connection refused');
      });

      it('names a bastion whose host key changed for every node, and scans none through it', async () => {
        const other = (await keygen(join(dir, 'impostor'), 'impostor'))
          .split(' ')
          .slice(0, 2)
          .join(' ');
        const kh = join(dir, 'known_hosts.changed');
        writeFileSync(
          kh,
          readFileSync(f.knownHosts ?? '', 'utf8').replace(bastion?.hostKey ?? '?', other),
        );
        const config = clusterYml('changed.yml', [
          { name: 'n-key', at: keyNode },
          { name: 'n-cert', at: certNode },
        ]);
        const { res, report, why: reasons } = await scanCluster(config, ['--known-hosts', kh]);
        expect(report.nodes).toEqual([]);
        expect(res.stdout).toBe('');
        for (const n of ['n-key', 'n-cert'])
          expect(reasons[n]).toMatch(
            new RegExp(
              `^cannot use the bastion host root@127\\.0\\.0\\.1:${bastion?.port ?? 0}: host key verification failed: \\[127\\.0\\.0\\.1\\]:${bastion?.port ?? 0} presented ssh-ed25519 SHA256:\\S+, but .* lists a different key`,
            ),
          );
        // Not one node scanned: nothing judged, no report, exit 2.
        expect(res.code).toBe(2);
      });

      it('names a bastion that refuses to forward, per node, and one that is not there', async () => {
        const config = clusterYml(
          'closed.yml',
          [{ name: 'n-key', at: keyNode }],
          {},
          closedBastion,
        );
        const { why: reasons } = await scanCluster(config);
        expect(reasons['n-key']).toBe(
          `the bastion host root@127.0.0.1:${closedBastion?.port ?? 0} could not open a connection to 127.0.0.1:${keyNode?.port ?? 0}: the bastion refused to forward (administratively prohibited: AllowTcpForwarding is off on the bastion, or a PermitOpen rule forbids this address) (open failed)`,
        );
        const gone = clusterYml('gone.yml', [{ name: 'n-key', at: keyNode }], {
          bastion_host: { address: '127.0.0.1', port: '1', user: 'root' },
        });
        const down = await scanCluster(gone);
        expect(down.why['n-key']).toMatch(
          /^cannot use the bastion host root@127\.0\.0\.1:1: root@127\.0\.0\.1:1: connection refused/,
        );
      });
    });

    describe('Docker over TLS (scan)', () => {
      const scan = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
        cli(
          [
            'scan',
            '--root',
            root,
            '--format',
            'json',
            '--role',
            'controlplane,etcd,worker',
            ...args,
          ],
          {
            env: {
              DOCKER_TLS_VERIFY: '',
              DOCKER_CERT_PATH: '',
              DOCKER_HOST: '',
              KUBECONFIG: '',
              ...env,
            },
          },
        );
      const statuses = (r: CliRun): [string, Status][] =>
        (JSON.parse(r.stdout) as NodeReport).results.map((x) => [x.id, x.status]);
      let overSocket: CliRun;

      beforeAll(async () => {
        overSocket = await scan(['--docker-host', `unix://${sock}`]);
        expect(overSocket.stderr).toBe('');
      });

      it('verifies the engine with --tlsverify and the files given, and gives the verdicts the socket gives', async () => {
        const r = await scan([
          '--docker-host',
          `tcp://127.0.0.1:${tlsPort}`,
          '--tlsverify',
          '--tlscacert',
          f.ca ?? '',
          '--tlscert',
          f.clientCert ?? '',
          '--tlskey',
          f.clientKey ?? '',
        ]);
        expect(r.stderr).toBe('');
        expect(statuses(r)).toEqual(statuses(overSocket));
        expect((JSON.parse(r.stdout) as NodeReport).node.dockerConnection).toBe(
          `tcp://127.0.0.1:${tlsPort} (TLS, the engine's certificate verified against ${f.ca ?? ''}, with a client certificate)`,
        );
      });

      it('finds ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH with DOCKER_TLS_VERIFY, as the docker CLI does', async () => {
        const certs = join(dir, 'docker-certs');
        mkdirSync(certs);
        for (const [from, to] of [
          [f.ca, 'ca.pem'],
          [f.clientCert, 'cert.pem'],
          [f.clientKey, 'key.pem'],
        ] as const)
          writeFileSync(join(certs, to), readFileSync(from ?? ''));
        const env = {
          DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`,
          DOCKER_TLS_VERIFY: '1',
          DOCKER_CERT_PATH: certs,
        };
        const r = await scan([], env);
        expect(r.stderr).toBe('');
        expect(statuses(r)).toEqual(statuses(overSocket));

        // A folder missing key.pem: one message, naming the file.
        const noKey = join(dir, 'no-key');
        mkdirSync(noKey);
        writeFileSync(join(noKey, 'ca.pem'), readFileSync(f.ca ?? ''));
        writeFileSync(join(noKey, 'cert.pem'), readFileSync(f.clientCert ?? ''));
        const bad = await scan([], { ...env, DOCKER_CERT_PATH: noKey });
        expect(bad.code).toBe(2);
        expect(bad.stdout).toBe('');
        expect(bad.stderr).toBe(
          `rkecis: ${join(noKey, 'cert.pem')} has no key beside it: ${join(noKey, 'key.pem')} is missing (a client certificate needs its key: give both, or neither)\n`,
        );

        // Only the CA: the engine wants a client certificate.
        const caOnly = join(dir, 'ca-only');
        mkdirSync(caOnly);
        writeFileSync(join(caOnly, 'ca.pem'), readFileSync(f.ca ?? ''));
        const noClient = await scan([], { ...env, DOCKER_CERT_PATH: caOnly });
        expect(noClient.code).toBe(2);
        expect(noClient.stderr).toContain(
          `Docker host tcp://127.0.0.1:${tlsPort}: the engine requires a client certificate`,
        );
      });

      it('refuses an engine whose certificate is for another name, and a plain request to a TLS port', async () => {
        const tlsArgs = [
          '--tlscacert',
          f.ca ?? '',
          '--tlscert',
          f.clientCert ?? '',
          '--tlskey',
          f.clientKey ?? '',
        ];
        const other = await scan(['--docker-host', `tcp://localhost:${tlsPort}`, ...tlsArgs]);
        expect(other.code).toBe(2);
        expect(other.stderr).toMatch(
          new RegExp(
            `^rkecis: Docker host tcp://localhost:${tlsPort}: the engine's TLS certificate is not for localhost \\(.+\\): connect by a name the certificate lists\\n$`,
          ),
        );
        const plain = await scan(['--docker-host', `tcp://127.0.0.1:${tlsPort}`]);
        expect(plain.code).toBe(2);
        expect(plain.stderr).toContain('the engine only speaks TLS on this port');
      });

      it('still scans over plain tcp://, and the report says the connection was not encrypted', async () => {
        // A plain TCP port in front of the engine's socket, as `dockerd -H tcp://...` without TLS.
        relay = createServer((c) => {
          const s = connect(sock);
          c.pipe(s).pipe(c);
          c.on('error', () => s.destroy());
          s.on('error', () => c.destroy());
        });
        await new Promise<void>((r) => relay?.listen(0, '127.0.0.1', r));
        const port = (relay.address() as { port: number }).port;
        const r = await scan(['--docker-host', `tcp://127.0.0.1:${port}`]);
        expect(r.stderr).toBe('');
        expect(statuses(r)).toEqual(statuses(overSocket));
        expect((JSON.parse(r.stdout) as NodeReport).node.dockerConnection).toBe(
          `tcp://127.0.0.1:${port} (plain TCP: not encrypted, and the engine is not authenticated (use TLS: --tlsverify))`,
        );
        const text = await cli(
          ['scan', '--root', root, '--docker-host', `tcp://127.0.0.1:${port}`, '--role', 'worker'],
          { env: { KUBECONFIG: '', DOCKER_TLS_VERIFY: '' } },
        );
        expect(text.stdout).toContain(`Docker: tcp://127.0.0.1:${port} (plain TCP: not encrypted`);
      });
    });
  },
);
