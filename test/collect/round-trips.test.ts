import { renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFrom } from '../../src/collect/collect.js';
import type { DockerClient } from '../../src/collect/docker.js';
import { collectFiles } from '../../src/collect/host-files.js';
import { localFs, type NodeFs } from '../../src/collect/node-fs.js';
import { readUnderRoot } from '../../src/collect/root-path.js';
import { evidenceRequirements } from '../../src/engine/requirements.js';
import { readEvidence } from '../../src/evidence/read.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import { plantRoot } from '../integration/plant-node.js';
import { roundFs, rounds } from './rounds.js';

/**
 * Over SSH every wait for the node's answer is a round trip: at 50 ms a round trip, a node scan
 * that waits 30 times takes 1.5 s, and a fleet that many times its number of nodes over the
 * concurrency. These tests count the rounds the collectors wait for (never the time): every
 * path's components are asked together, the owner names beside the files, the files while
 * Docker is pinged.
 */
/**
 * The planted node as SFTP shows it: its "/" is the filesystem's root, so paths are asked ahead
 * (a local --root is not: there a path below a link would be the scanning machine's own).
 */
function asNode(dir: string): NodeFs {
  const base = localFs(dir);
  const at = (p: string | Buffer): string | Buffer =>
    typeof p === 'string' ? join(dir, p) : Buffer.concat([Buffer.from(dir), p]);
  return {
    root: '/',
    display: 'sftp://node/',
    lstat: (p) => base.lstat(at(p)),
    readlink: (p) => base.readlink(at(p)),
    readdir: (p) => base.readdir(join(dir, p)),
    readFile: (p, max, described) => base.readFile(join(dir, p), max, described),
  };
}

const profile = loadProfile(DEFAULT_PROFILE);
const hardened = readEvidence('examples/hardened-node.json');
const wanted = evidenceRequirements(profile).files;
let root: string;

beforeAll(() => {
  root = plantRoot(hardened);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the host files of a node, in rounds', () => {
  it("reads the profile's files in 3 rounds: the lstats, the reads and listings, the entries", async () => {
    const r = rounds();
    const { fs, asked } = roundFs(asNode(root), r);
    const { value, rounds: n } = await r.run(collectFiles(fs, wanted));
    // The same evidence as read without rounds.
    expect(value).toEqual(await collectFiles(root, wanted));
    expect(Object.keys(value).length).toBe(wanted.length);
    // Before: the names of owners first (/etc/passwd, then /etc/group, three rounds each), then
    // each path's components one after another (/etc/kubernetes/ssl/x: four rounds).
    expect(n).toBe(3);
    // Each path's lstat asked once.
    const lstats = asked.filter((a) => a.startsWith('lstat '));
    expect(new Set(lstats).size).toBe(lstats.length);
    expect(lstats.length).toBeGreaterThan(wanted.length);
  });

  it('follows a link on the way as before, a round for each link it meets', async () => {
    const linked = plantRoot(hardened);
    try {
      // /etc/kubernetes is moved to /opt-k8s and linked back.
      renameSync(join(linked, 'etc/kubernetes'), join(linked, 'opt-k8s'));
      symlinkSync('/opt-k8s', join(linked, 'etc/kubernetes'));
      const r = rounds();
      const { fs } = roundFs(asNode(linked), r);
      const { value, rounds: n } = await r.run(collectFiles(fs, wanted));
      expect(value).toEqual(await collectFiles(linked, wanted));
      const ca = value['/etc/kubernetes/ssl/kube-ca.pem'];
      expect(ca).toMatchObject({ status: 'present', type: 'file' });
      // The link's readlink, then the target's components: two rounds more, not one a component.
      expect(n).toBeLessThanOrEqual(5);
    } finally {
      rmSync(linked, { recursive: true, force: true });
    }
  });

  it('reads a file through readUnderRoot in 2 rounds: its components, then the file', async () => {
    const r = rounds();
    const { fs, asked } = roundFs(asNode(root), r);
    const { value, rounds: n } = await r.run(readUnderRoot(fs, '/etc/hostname', 4096));
    expect(value).toBe(`${hardened.node.name}\n`);
    expect(n).toBe(2);
    expect(asked).toEqual(['lstat /etc', 'lstat /etc/hostname', 'read /etc/hostname']);
  });

  it('under a local --root, asks nothing below a link (the kernel would follow it out of the root)', async () => {
    const linked = plantRoot(hardened);
    try {
      renameSync(join(linked, 'etc/kubernetes'), join(linked, 'opt-k8s'));
      symlinkSync('/opt-k8s', join(linked, 'etc/kubernetes'));
      const r = rounds();
      const { fs, asked } = roundFs(localFs(linked), r);
      const { value } = await r.run(collectFiles(fs, wanted));
      expect(value).toEqual(await collectFiles(linked, wanted));
      expect(asked.filter((a) => a.includes(`${linked}/etc/kubernetes/`))).toEqual([]);
      expect(asked).toContain(`lstat ${linked}/opt-k8s/ssl/kube-ca.pem`);
    } finally {
      rmSync(linked, { recursive: true, force: true });
    }
  });
});

describe('a node scan, in rounds', () => {
  /** A Docker client whose ping answers when the test says. */
  function gatedDocker(answer: Promise<void>) {
    const calls: string[] = [];
    const docker = {
      endpoint: { url: 'unix:///fake.sock', connection: 'a test double' },
      ping: async () => {
        calls.push('ping');
        await answer;
        return { apiVersion: '1.41' };
      },
      inspectAll: (names: string[]) => {
        calls.push('inspect');
        return Promise.resolve(
          Object.fromEntries(
            names.map((n) => [n, hardened.containers[n] ?? { status: 'absent' as const }]),
          ),
        );
      },
    } as unknown as DockerClient;
    return { docker, calls };
  }

  it('asks for the files while Docker is pinged, and inspects only once it answered', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { docker, calls } = gatedDocker(gate);
    const r = rounds();
    const { fs, asked } = roundFs(asNode(root), r);
    const scan = collectFrom({
      profile,
      fs,
      docker,
      kubernetes: { note: 'listed once for the cluster' },
      timeoutMs: 10_000,
    });
    // The first round's requests are out before the ping is answered.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(asked.length).toBeGreaterThan(wanted.length);
    expect(calls).toEqual(['ping']);
    open();
    const { value } = await r.run(scan);
    expect(calls).toEqual(['ping', 'inspect']);
    expect(value.files).toEqual(await collectFiles(root, wanted));
  });

  it("fails with the ping's error when the endpoint is not Docker, and inspects nothing", async () => {
    const refused = Promise.reject(new Error('Docker host unix:///fake.sock: not a Docker engine'));
    refused.catch(() => undefined);
    const { docker, calls } = gatedDocker(refused);
    const r = rounds();
    const { fs } = roundFs(asNode(root), r);
    const scan = collectFrom({
      profile,
      fs,
      docker,
      kubernetes: { note: 'listed once for the cluster' },
      timeoutMs: 10_000,
    });
    await expect(r.run(scan)).rejects.toThrow(/not a Docker engine/);
    expect(calls).toEqual(['ping']);
  });

  it('fails the same way with a profile whose paths come from container flags', async () => {
    const later = loadProfile('rke-cis-1.6');
    expect(evidenceRequirements(later).fromFlags.length).toBeGreaterThan(0);
    const refused = Promise.reject(new Error('Docker host unix:///fake.sock: not a Docker engine'));
    refused.catch(() => undefined);
    const { docker, calls } = gatedDocker(refused);
    const r = rounds();
    const { fs } = roundFs(asNode(root), r);
    const scan = collectFrom({
      profile: later,
      fs,
      docker,
      kubernetes: { note: 'listed once for the cluster' },
      timeoutMs: 10_000,
    });
    await expect(r.run(scan)).rejects.toThrow(/not a Docker engine/);
    expect(calls).toEqual(['ping']);
  });
});
