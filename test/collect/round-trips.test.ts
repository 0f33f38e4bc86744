import { renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFrom, withFlagPaths } from '../../src/collect/collect.js';
import type { DockerClient } from '../../src/collect/docker.js';
import { collectFiles } from '../../src/collect/host-files.js';
import { localFs, type NodeFs } from '../../src/collect/node-fs.js';
import { readUnderRoot } from '../../src/collect/root-path.js';
import { evidenceRequirements } from '../../src/engine/requirements.js';
import { readEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import type { Profile } from '../../src/profiles/schema.js';
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

/** The planted node with /etc/kubernetes moved to /opt-k8s and linked back, for `use`. */
async function withLinkedRoot(use: (linked: string) => Promise<void>): Promise<void> {
  const linked = plantRoot(hardened);
  try {
    renameSync(join(linked, 'etc/kubernetes'), join(linked, 'opt-k8s'));
    symlinkSync('/opt-k8s', join(linked, 'etc/kubernetes'));
    await use(linked);
  } finally {
    rmSync(linked, { recursive: true, force: true });
  }
}

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
    await withLinkedRoot(async (linked) => {
      const r = rounds();
      const { fs } = roundFs(asNode(linked), r);
      const { value, rounds: n } = await r.run(collectFiles(fs, wanted));
      expect(value).toEqual(await collectFiles(linked, wanted));
      const ca = value['/etc/kubernetes/ssl/kube-ca.pem'];
      expect(ca).toMatchObject({ status: 'present', type: 'file' });
      // The link's readlink, then the target's components: two rounds more, not one a component.
      expect(n).toBeLessThanOrEqual(5);
    });
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
    await withLinkedRoot(async (linked) => {
      const r = rounds();
      const { fs, asked } = roundFs(localFs(linked), r);
      const { value } = await r.run(collectFiles(fs, wanted));
      expect(value).toEqual(await collectFiles(linked, wanted));
      expect(asked.filter((a) => a.includes(`${linked}/etc/kubernetes/`))).toEqual([]);
      expect(asked).toContain(`lstat ${linked}/opt-k8s/ssl/kube-ca.pem`);
    });
  });
});

describe('a node scan, in rounds', () => {
  /** A Docker client whose ping answers when the test says. */
  function gatedDocker(answer: Promise<void>, node: Evidence) {
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
            names.map((n) => [n, node.containers[n] ?? { status: 'absent' as const }]),
          ),
        );
      },
    } as unknown as DockerClient;
    return { docker, calls };
  }

  /** collectFrom of a planted node, a round at a time, with the ping answered by `answer`. */
  function scanInRounds(scanned: Profile, answer: Promise<void>, node = hardened, at = root) {
    const { docker, calls } = gatedDocker(answer, node);
    const r = rounds();
    const { fs, asked } = roundFs(asNode(at), r);
    const scan = collectFrom({
      profile: scanned,
      fs,
      docker,
      kubernetes: { note: 'listed once for the cluster' },
      timeoutMs: 10_000,
    });
    return { scan: r.run(scan), calls, asked };
  }

  it.each([
    ['the v2.1 profile', DEFAULT_PROFILE, 'examples/hardened-node.json'],
    [
      'a profile whose paths come from container flags',
      'rke-cis-1.6',
      'examples/rke-cis-1.6/hardened-node.json',
    ],
  ])(
    'asks for the files while Docker is pinged, and inspects only once it answered: %s',
    async (_what, name, example) => {
      const scanned = loadProfile(name);
      const node = readEvidence(example);
      const at = plantRoot(node);
      try {
        const needs = evidenceRequirements(scanned);
        let open!: () => void;
        const gate = new Promise<void>((resolve) => {
          open = resolve;
        });
        // r.run lets the first round go only after a turn of the event loop: by then every first
        // request is out, and the ping not answered.
        const { scan, calls, asked } = scanInRounds(scanned, gate, node, at);
        await new Promise<void>((resolve) => setImmediate(resolve));
        expect(asked.length).toBeGreaterThan(needs.files.length);
        expect(calls).toEqual(['ping']);
        open();
        const { value } = await scan;
        expect(calls).toEqual(['ping', 'inspect']);
        // The files of both batches (the profile's own, then those the flags name), as one read
        // of them all gives them, in path order.
        const all = withFlagPaths(needs, value.containers);
        if (needs.fromFlags.length > 0) expect(all.length).toBeGreaterThan(needs.files.length);
        expect(value.files).toEqual(await collectFiles(at, all));
        expect(Object.keys(value.files)).toEqual(all.map((f) => f.path));
      } finally {
        rmSync(at, { recursive: true, force: true });
      }
    },
  );

  it.each([
    ['the v2.1 profile', DEFAULT_PROFILE],
    ['a profile whose paths come from container flags', 'rke-cis-1.6'],
  ])(
    "fails with the ping's error when the endpoint is not Docker, and inspects nothing: %s",
    async (_what, name) => {
      const scanned = loadProfile(name);
      if (name !== DEFAULT_PROFILE)
        expect(evidenceRequirements(scanned).fromFlags.length).toBeGreaterThan(0);
      const refused = Promise.reject(
        new Error('Docker host unix:///fake.sock: not a Docker engine'),
      );
      refused.catch(() => undefined);
      const { scan, calls } = scanInRounds(scanned, refused);
      await expect(scan).rejects.toThrow(/not a Docker engine/);
      expect(calls).toEqual(['ping']);
    },
  );
});
