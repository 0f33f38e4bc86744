import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFrom } from '../../src/collect/collect.js';
import { DockerClient } from '../../src/collect/docker.js';
import { localFs } from '../../src/collect/node-fs.js';
import { DOCKER_CHANNELS } from '../../src/collect/ssh/connect.js';
import { parseKnownHosts } from '../../src/collect/ssh/known-hosts.js';
import {
  createReach,
  scanNodeOverSsh,
  type NodeOutcome,
  type SshScanOptions,
} from '../../src/cluster/ssh-scan.js';
import type { NodeTarget } from '../../src/cluster/targets.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import { lockRkeNames, run, SKIP_DOCKER, useEngine, type Engine } from './engine.js';
import { importImages, plantContainers, plantRoot, removeContainers } from './plant-node.js';
import { keygen, sshUnavailable, startSshNode, type SshNode } from './ssh-node.js';
import { countWire, sftpRequests, type Wire } from './ssh-wire.js';

/**
 * What one node scan over SSH costs on the wire, counted (never timed; the cluster benchmark
 * times it): one real OpenSSH server showing the hardened node's files, the test engine's RKE
 * containers behind its Docker socket forward, scanned in this process with the counters of
 * ssh-wire.ts on; the server's own log says what it received. And what is read is the same
 * evidence, byte for byte, as the same files and engine read locally.
 */

const hardened = readEvidence('examples/hardened-node.json');
const profile = loadProfile(DEFAULT_PROFILE);
const why = sshUnavailable();
const ALL = ['controlplane', 'etcd', 'worker'] as const;
const OTHER_KEYS = [
  ['rsa', '3072'],
  ['ecdsa', '384'],
] as const;

describe.skipIf(SKIP_DOCKER)('one node scan over SSH, counted (real sshd, test engine)', () => {
  let dir = '';
  let root = '';
  let engine: Engine | undefined;
  let unlock: (() => Promise<void>) | undefined;
  let node: SshNode | undefined;
  let overSsh: Evidence;
  let local: Evidence;
  let wire: Wire;
  /** The node's sshd log of the counted scan. */
  let authLog = '';
  const logins = new Map<string, { out: NodeOutcome; log: string }>();
  let stranger: Awaited<ReturnType<typeof scanNodeOverSsh>>;

  const options = (knownHosts: string): SshScanOptions => ({
    profile,
    hostKeys: { knownHosts: parseKnownHosts(readFileSync(knownHosts, 'utf8'), knownHosts) },
    concurrency: 1,
    timeoutMs: 20_000,
    nodeTimeoutMs: 60_000,
    kubernetesNote: 'listed once for the cluster',
  });
  const target = (key: string): NodeTarget => ({
    name: 'n1',
    roles: [...ALL],
    at: 'cluster.yml:1:1',
    dockerSocket: '/var/run/docker.sock',
    ssh: {
      host: '127.0.0.1',
      port: node?.port ?? 0,
      user: 'root',
      identity: { key: readFileSync(key), keySource: `ssh_key_path ${key}` },
    },
  });

  beforeAll(async () => {
    if (why !== undefined)
      throw new Error(`the SSH wire tests cannot run: ${why} (RKECIS_SKIP_DOCKER=1 skips them)`);
    dir = mkdtempSync('/tmp/rkw-');
    engine = await useEngine();
    const images = [
      ...new Set(
        Object.values(hardened.containers).flatMap((c) =>
          c.status === 'present' ? [c.image] : [],
        ),
      ),
    ];
    await importImages(engine.host, images);
    unlock = await lockRkeNames(engine.host, images[0] as string);
    await removeContainers(engine.host, hardened).catch(() => undefined);
    await plantContainers(engine.host, hardened, { start: false });
    root = plantRoot(hardened);
    const key = join(dir, 'id_ed25519');
    node = await startSshNode({
      dir: join(dir, 'sshd'),
      name: 'n1',
      root,
      dockerSocket: engine.host.slice('unix://'.length),
      authorizedKeys: [
        await keygen(key, 'auditor'),
        ...(await Promise.all(
          OTHER_KEYS.map(async ([t, bits]) => {
            const f = join(dir, `id_${t}`);
            await run('ssh-keygen', ['-q', '-t', t, '-b', bits, '-N', '', '-f', f]);
            return readFileSync(`${f}.pub`, 'utf8').trim();
          }),
        )),
      ].join('\n'),
      // First value wins: every authentication request and channel is logged.
      extraConfig: ['LogLevel DEBUG1'],
    });
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${node.port} ${node.hostKey}\n`);

    const opts = options(knownHosts);
    const counting = countWire();
    try {
      const out = await scanNodeOverSsh(target(key), opts, createReach(opts));
      if ('reason' in out) throw new Error(`the node was not scanned: ${out.reason}`);
      overSsh = out.evidence;
    } finally {
      counting.stop();
    }
    expect(counting.connections).toHaveLength(1);
    wire = counting.connections[0] as Wire;
    authLog = node.log();
    // The other key types RKE users have (RSA: RKE's default ~/.ssh/id_rsa), one scan each.
    for (const [t] of OTHER_KEYS) {
      const from = node.log().length;
      const out = await scanNodeOverSsh(target(join(dir, `id_${t}`)), opts, createReach(opts));
      logins.set(t, { out, log: node.log().slice(from) });
    }
    // A key the node does not list: refused, signed or not.
    const strangerKey = join(dir, 'stranger');
    await keygen(strangerKey, 'stranger');
    stranger = await scanNodeOverSsh(target(strangerKey), opts, createReach(opts));
    const socketPath = engine.host.slice('unix://'.length);
    local = await collectFrom({
      profile,
      fs: localFs(root),
      docker: new DockerClient({ url: engine.host, socketPath, connection: 'unix socket' }),
      kubernetes: { note: 'listed once for the cluster' },
      timeoutMs: 20_000,
      declaredRoles: [...ALL],
      nodeName: 'n1',
    });
  }, 300_000);

  afterAll(async () => {
    await node?.stop();
    if (engine !== undefined) await removeContainers(engine.host, hardened).catch(() => undefined);
    await unlock?.();
    await engine?.stop();
    if (root !== '') rmSync(root, { recursive: true, force: true });
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('reads the same evidence, byte for byte, as the same files and engine read locally', () => {
    const same = (e: Evidence): string =>
      JSON.stringify({ node: e.node, roles: e.roles, containers: e.containers, files: e.files });
    // Every file and folder the profile names, and the entries of those folders.
    const described = (files: Evidence['files']): number =>
      Object.values(files).reduce(
        (n, f) => n + 1 + (f.status === 'present' ? described(f.entries ?? {}) : 0),
        0,
      );
    expect(described(overSsh.files)).toBe(described(hardened.files));
    const containers = Object.values(overSsh.containers);
    expect(containers.length).toBeGreaterThanOrEqual(5);
    expect(containers.every((c) => c.status === 'present')).toBe(true);
    expect(same(overSsh)).toBe(same(local));
  });

  it('sends each burst of packets in one system call, not one per packet', () => {
    // Tens of SFTP requests and Docker packets; what is left is about one write per round trip.
    // Uncorked, every packet is its own write (71 of 71); corked, 34 to 41 of 71 were measured,
    // depending on how the answers interleave: the bound leaves room for that, not for one a packet.
    expect(wire.packets).toBeGreaterThan(60);
    expect(wire.systemWrites).toBeLessThanOrEqual(wire.packets * 0.65);
    expect(sftpRequests(wire)).toBeGreaterThan(0);
  });

  it('logs in with one request: the key offered signed, not asked about first', () => {
    // sshd (LogLevel DEBUG1) logs each authentication request, and a query without signature
    // as a "publickey test".
    const requests = authLog.match(/userauth-request for user root service ssh-connection/g);
    expect(requests).toHaveLength(1);
    expect(authLog).not.toMatch(/publickey test/);
    expect(authLog).toMatch(/Accepted publickey for root/);
  });

  it("leaves the node's announcement of its other host keys unproven: no round trip for them", async () => {
    // sshd (LogLevel DEBUG1) logs each global request it receives by name. The control: ssh2 on
    // its own, on the same node, asks the node to prove the keys it announced.
    const from = node?.log().length ?? 0;
    const plain = new Client();
    await new Promise<void>((resolve, reject) => {
      plain.on('ready', resolve).on('error', reject);
      plain.connect({
        host: '127.0.0.1',
        port: node?.port ?? 0,
        username: 'root',
        privateKey: readFileSync(join(dir, 'id_ed25519')),
      });
    });
    const proved = /rtype hostkeys-prove-00@openssh\.com/;
    for (let i = 0; i < 100 && !proved.test(node?.log().slice(from) ?? ''); i++)
      await new Promise((r) => setTimeout(r, 50));
    plain.end();
    expect(node?.log().slice(from)).toMatch(proved);
    expect(authLog).toMatch(/Accepted publickey for root/);
    expect(authLog).not.toMatch(/hostkeys-prove/);
  });

  it('logs in with one request with RSA and ECDSA keys too, and reads the same', () => {
    for (const [t] of OTHER_KEYS) {
      const { out, log } = logins.get(t) ?? { out: { reason: 'not run' }, log: '' };
      if ('reason' in out) throw new Error(`${t}: ${out.reason}`);
      expect(log.match(/userauth-request for user root/g)).toHaveLength(1);
      expect(log).toMatch(/Accepted publickey for root/);
      expect(JSON.stringify(out.evidence.files)).toBe(JSON.stringify(overSsh.files));
    }
  });

  it('reaches the Docker socket over two kept-alive channels, not one per request', () => {
    // The ping and the inspects: six requests.
    expect(Object.keys(overSsh.containers).length).toBeGreaterThanOrEqual(5);
    expect(wire.dockerChannels).toBeGreaterThanOrEqual(1);
    expect(wire.dockerChannels).toBeLessThanOrEqual(DOCKER_CHANNELS);
    // What the node saw: one forward request per channel.
    expect(
      authLog.match(/server_request_direct_streamlocal: .*target \/var\/run\/docker\.sock/g),
    ).toHaveLength(wire.dockerChannels);
  });

  it('asks each path once and reads each small file with one READ', () => {
    // resolveUnderRoot checks each component of each file's path: /etc once a scan, not ten times.
    const lstats = Object.entries(wire.sftpPaths).filter(([k]) => k.startsWith('lstat '));
    expect(lstats.length).toBeGreaterThan(20);
    expect(lstats.filter(([, n]) => n > 1)).toEqual([]);
    // The hardened node's files are a few KB: one READ each, no READ for end of file.
    expect(wire.sftp.open).toBeGreaterThan(0);
    expect(wire.sftp.read).toBe(wire.sftp.open);
  });

  it('is still refused with a key the node does not list', () => {
    expect(stranger).toHaveProperty('reason');
    expect('reason' in stranger && stranger.reason).toMatch(
      /authentication failed for user root \(tried the key ssh_key_path \S+stranger\)/,
    );
  });
});
