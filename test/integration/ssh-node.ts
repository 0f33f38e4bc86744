import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './engine.js';

// Beside this file, or, from the compiled benchmark (dist-bench/), in the source tree.
const SCRIPT =
  ['./start-ssh-node.sh', '../../../test/integration/start-ssh-node.sh']
    .map((f) => fileURLToPath(new URL(f, import.meta.url)))
    .find((f) => existsSync(f)) ?? 'start-ssh-node.sh';
export const SSHD = '/usr/sbin/sshd';

/** Why the SSH tests cannot run here, or undefined when they can (root, sshd, unshare). */
export function sshUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'they must run as root (mount namespaces, sshd)';
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`;
  if (!existsSync('/usr/bin/unshare')) return 'unshare is missing (apt-get install util-linux)';
  return undefined;
}

/** A TCP port nothing listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

/** An ed25519 key pair without passphrase; returns the public key line. */
export async function keygen(path: string, comment: string): Promise<string> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

export interface SshNode {
  port: number;
  /** Every port it listens on (`ports` of startSshNode; else just `port`). */
  ports: number[];
  /** sshd's own process: its CPU times, with its finished connections', are in /proc/PID/stat. */
  pid: number;
  /** "ssh-ed25519 AAAA..." (the host key, as known_hosts lists it). */
  hostKey: string;
  log: () => string;
  stop(): Promise<void>;
}

/**
 * One simulated node's sshd: its own mount namespace where the node's files and Docker socket
 * sit at the real paths (start-ssh-node.sh), key authentication only, the SFTP subsystem, and
 * ForceCommand internal-sftp, so no shell command can run on it at all: a client that tried
 * would get an SFTP server instead. Stream-local forwarding (the Docker socket) is allowed.
 * Without `authorizedKeys` it accepts no key at all (AuthorizedKeysFile none), only what
 * `extraConfig` allows (TrustedUserCAKeys). With `netns` (a /proc/PID/ns/net path) it listens
 * in that network namespace, where only what runs there (a bastion) can reach it.
 * A simulated fleet (test/integration/ssh-fleet.ts) gives one sshd many ports, and some nodes a
 * shell (the guide's commands over `ssh node bash -s`) or a session that never answers.
 */
export async function startSshNode(opts: {
  dir: string;
  name: string;
  root: string;
  dockerSocket: string;
  authorizedKeys?: string;
  /** Listen on these ports (at most 16: sshd's MAX_LISTEN_SOCKS); default one free port. */
  ports?: number[];
  /** What every session runs; default internal-sftp; null: what the client asks (a shell). */
  forceCommand?: string | null;
  /** sshd_config lines put first: for most keywords the first value given wins. */
  extraConfig?: string[];
  netns?: string;
}): Promise<SshNode> {
  mkdirSync(opts.dir, { recursive: true });
  const hostKeyFile = join(opts.dir, 'ssh_host_ed25519_key');
  const hostKey = (await keygen(hostKeyFile, `host-${opts.name}`)).split(' ').slice(0, 2).join(' ');
  if (opts.authorizedKeys !== undefined)
    writeFileSync(join(opts.dir, 'authorized_keys'), `${opts.authorizedKeys}\n`, { mode: 0o600 });
  const ports = opts.ports ?? [await freePort()];
  const forceCommand = opts.forceCommand === undefined ? 'internal-sftp' : opts.forceCommand;
  const config = join(opts.dir, 'sshd_config');
  writeFileSync(
    config,
    [
      ...(opts.extraConfig ?? []),
      ...ports.map((p) => `Port ${p}`),
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyFile}`,
      'PidFile none',
      'UsePAM no',
      'UseDNS no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AuthorizedKeysFile ${opts.authorizedKeys !== undefined ? join(opts.dir, 'authorized_keys') : 'none'}`,
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      ...(forceCommand !== null ? [`ForceCommand ${forceCommand}`] : []),
      'AllowStreamLocalForwarding yes',
      // OpenSSH refuses stream-local forwards too unless TCP forwarding is allowed (RKE needs it as well).
      'AllowTcpForwarding local',
      'X11Forwarding no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const work = join(opts.dir, 'ns');
  mkdirSync(work, { recursive: true });
  const unshare = [
    'unshare',
    '-m',
    '--propagation',
    'private',
    'bash',
    SCRIPT,
    opts.root,
    opts.dockerSocket,
    config,
    work,
  ];
  const argv = opts.netns !== undefined ? ['nsenter', `--net=${opts.netns}`, ...unshare] : unshare;
  const child: ChildProcess = spawn(argv[0] as string, argv.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString('utf8');
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const deadline = Date.now() + 20_000;
  while (!ports.every((p) => log.includes(`Server listening on 127.0.0.1 port ${p}.`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sshd for ${opts.name} did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port: ports[0] as number,
    ports,
    pid: child.pid as number,
    hostKey,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A private network namespace with only a loopback interface, held open by a sleeping process:
 * what runs in it (nodes' sshd) cannot be reached from the machine's own network.
 */
export async function startNetns(): Promise<{ path: string; stop(): Promise<void> }> {
  const child = spawn('unshare', ['-n', 'sleep', '2147483647'], { stdio: 'ignore' });
  const path = `/proc/${child.pid ?? 0}/ns/net`;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  // unshare replaces itself with sleep once the namespace exists.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const cmd = readFileSync(`/proc/${child.pid ?? 0}/cmdline`, 'utf8').split('\0')[0];
    if (cmd === 'sleep') break;
    if (Date.now() > deadline) throw new Error('unshare -n did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  await run('nsenter', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
  return {
    path,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const BASTION_SCRIPT = fileURLToPath(new URL('./start-bastion.sh', import.meta.url));

export interface Bastion {
  port: number;
  hostKey: string;
  /** Every line the bastion's sshd processes logged (forwarded connections among them). */
  log: () => string;
  /** SSH connections the bastion has accepted so far. */
  connections: () => number;
  stop(): Promise<void>;
}

/**
 * A real OpenSSH bastion: a TCP port on the machine's loopback whose every connection is handed
 * (its file descriptor, unread) to `sshd -i` running inside `netns`, as inetd would. So the
 * bastion is reachable from here, and what it forwards to (direct-tcpip) are the addresses of
 * that namespace, which nothing else here can reach. Key authentication only.
 */
export async function startBastion(opts: {
  dir: string;
  netns: string;
  authorizedKeys: string;
  allowTcpForwarding?: 'yes' | 'no';
}): Promise<Bastion> {
  mkdirSync(opts.dir, { recursive: true });
  const hostKeyFile = join(opts.dir, 'ssh_host_ed25519_key');
  const hostKey = (await keygen(hostKeyFile, 'bastion')).split(' ').slice(0, 2).join(' ');
  writeFileSync(join(opts.dir, 'authorized_keys'), `${opts.authorizedKeys}\n`, { mode: 0o600 });
  const config = join(opts.dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `HostKey ${hostKeyFile}`,
      'PidFile none',
      'UsePAM no',
      'UseDNS no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AuthorizedKeysFile ${join(opts.dir, 'authorized_keys')}`,
      'StrictModes no',
      `AllowTcpForwarding ${opts.allowTcpForwarding ?? 'yes'}`,
      'AllowStreamLocalForwarding no',
      'PermitTTY no',
      'ForceCommand /bin/false',
      'X11Forwarding no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  let log = '';
  const children = new Set<ChildProcess>();
  let connections = 0;
  const server = createServer({ pauseOnConnect: true }, (sock) => {
    connections++;
    const child = spawn(
      'nsenter',
      [
        `--net=${opts.netns}`,
        'unshare',
        '-m',
        '--propagation',
        'private',
        'bash',
        BASTION_SCRIPT,
        config,
      ],
      { stdio: [sock, sock, 'pipe'] },
    );
    children.add(child);
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString('utf8');
    });
    child.once('exit', () => children.delete(child));
    // sshd has its own copy of the connection now.
    sock.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hostKey,
    log: () => log,
    connections: () => connections,
    stop: async () => {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await Promise.all(
        [...children].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) resolve();
              else {
                c.once('exit', () => {
                  resolve();
                });
                c.kill('SIGTERM');
              }
            }),
        ),
      );
    },
  };
}
