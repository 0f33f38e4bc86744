import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Evidence, FileEvidence } from '../../src/evidence/schema.js';
import { docker, run } from './engine.js';

export { plantApiServer } from './plant-api.js';

/** Secrets planted on the node that no output may contain. */
export const ENV_SECRET = 'env-secret-7f3a9c-must-never-appear';
export const ENCRYPTION_SECRET = 'k8Rz1Yq3bW0fXv5uN2mJ9sT4hL6pA7cE1dG8iK0oQ2M=';

/** A uid the scanning machine does not have, so names must come from the node's own passwd. */
const ETCD_UID = 52034;

/**
 * A tiny image: busybox and the two entrypoints RKE containers have, both just sleeping.
 * Imported under the image names the examples show, so `docker inspect` reads like a real node.
 */
export async function importImages(host: string, images: string[]): Promise<void> {
  if (!existsSync('/bin/busybox'))
    throw new Error('/bin/busybox not found: apt-get install busybox-static');
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-rootfs-'));
  try {
    mkdirSync(join(dir, 'bin'));
    copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
    chmodSync(join(dir, 'bin/busybox'), 0o755);
    const sleeper = '#!/bin/busybox sh\nexec /bin/busybox sleep 2147483647\n';
    for (const entry of ['opt/rke-tools/entrypoint.sh', 'usr/local/bin/etcd']) {
      mkdirSync(dirname(join(dir, entry)), { recursive: true });
      writeFileSync(join(dir, entry), sleeper, { mode: 0o755 });
    }
    const [first, ...rest] = images;
    if (first === undefined) return;
    await run('bash', ['-c', 'tar -C "$1" -c . | docker import - "$2"', 'import', dir, first], {
      env: { ...process.env, DOCKER_HOST: host },
    });
    for (const image of rest) await docker(host, ['tag', first, image]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Creates and starts the node's RKE containers as the example shows them: entrypoint, args,
 * image, the environment variables it names (a null one left unset) and its bind mounts. A
 * container with mounts is only created: docker inspect shows the same Mounts, while starting it
 * would have the engine make the mount sources (/etc/kubernetes...) on this machine. `start:
 * false` creates every container only (several engines on a small machine).
 */
export async function plantContainers(
  host: string,
  node: Evidence,
  { start = true } = {},
): Promise<void> {
  for (const [name, c] of Object.entries(node.containers)) {
    if (c.status !== 'present') continue;
    // The secret proves the rest of Env never reaches evidence or reports.
    const env = [`SECRET=${ENV_SECRET}`];
    for (const [k, v] of Object.entries(c.env ?? {})) if (v !== null) env.push(`${k}=${v}`);
    const mounts = (c.mounts ?? []).map((m) => {
      if (m.type !== 'bind') throw new Error(`plantContainers: ${name} has a ${m.type} mount`);
      return `${m.source}:${m.destination}${m.rw ? '' : ':ro'}`;
    });
    await docker(host, [
      'create',
      '--name',
      name,
      '--network',
      'none',
      ...env.flatMap((e) => ['-e', e]),
      ...mounts.flatMap((m) => ['-v', m]),
      '--entrypoint',
      c.path,
      c.image,
      ...c.args,
    ]);
    if (start && mounts.length === 0) await docker(host, ['start', name]);
  }
}

export async function removeContainers(host: string, node: Evidence): Promise<void> {
  const names = Object.keys(node.containers);
  if (names.length > 0) await docker(host, ['rm', '-f', ...names]);
}

/**
 * The node's filesystem under a temporary root, made with real chmod/chown from the example's
 * file evidence, with its own passwd/group (an etcd user the scanning machine does not have)
 * and an encryption config holding a real-looking key.
 */
export function plantRoot(node: Evidence): string {
  const root = mkdtempSync(join(tmpdir(), 'rkecis-node-'));
  const users = new Map<number, string>([
    [0, 'root'],
    [ETCD_UID, 'etcd'],
  ]);
  const groups = new Map<number, string>([
    [0, 'root'],
    [ETCD_UID, 'etcd'],
  ]);
  const note = (f: FileEvidence): void => {
    if (f.status !== 'present') return;
    users.set(f.uid, f.user);
    groups.set(f.gid, f.group);
    for (const e of Object.values(f.entries ?? {})) note(e);
  };
  Object.values(node.files).forEach(note);
  const lines = (m: Map<number, string>, row: (id: number, name: string) => string): string =>
    [...m].map(([id, name]) => row(id, name)).join('\n') + '\n';
  put(
    root,
    '/etc/passwd',
    lines(users, (id, n) => `${n}:x:${id}:${id}::/home/${n}:/usr/sbin/nologin`),
    0o644,
  );
  put(
    root,
    '/etc/group',
    lines(groups, (id, n) => `${n}:x:${id}:`),
    0o644,
  );
  put(root, '/etc/hostname', `${node.node.name}\n`, 0o644);
  for (const [path, f] of Object.entries(node.files)) plant(root, path, f);
  return root;
}

function plant(root: string, path: string, f: FileEvidence): void {
  if (f.status !== 'present') return;
  const real = join(root, path);
  mkdirSync(dirname(real), { recursive: true });
  if (f.type === 'directory') mkdirSync(real, { recursive: true });
  else if (f.type === 'file')
    writeFileSync(real, (f.content ?? `${path}\n`).replaceAll('"<redacted>"', ENCRYPTION_SECRET));
  else throw new Error(`plantRoot: cannot make a ${f.type} for ${path}`);
  // chown clears setuid/setgid, so it goes first.
  chownSync(real, f.uid, f.gid);
  chmodSync(real, parseInt(f.mode, 8));
  for (const [name, e] of Object.entries(f.entries ?? {})) plant(root, `${path}/${name}`, e);
}

function put(root: string, path: string, text: string, mode: number): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text, { mode });
}
