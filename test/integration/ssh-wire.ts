import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

/**
 * Counts what an SSH connection made by ssh2 in this process sends, for tests that prove a node
 * scan costs what it should (counts, never times): the writes handed to the TCP socket (ssh2
 * writes each packet on its own), the writes the socket asked of the kernel (each a `write` or
 * `writev` system call), the SFTP requests by kind and path, and the Docker socket forwards
 * (one SSH channel each). What the server logs is the other side: see the tests.
 */
export interface Wire {
  /** write() calls on the TCP socket: one per SSH packet, plus the version line. */
  packets: number;
  /** Writes the socket handed to the kernel: one system call each. */
  systemWrites: number;
  sftp: Record<string, number>;
  sftpPaths: Record<string, number>;
  /** Stream-local forwards opened: one SSH channel each. */
  dockerChannels: number;
}

type Fn = (this: object, ...args: unknown[]) => unknown;
const SFTP_METHODS = ['lstat', 'stat', 'readlink', 'opendir', 'readdir', 'open', 'fstat', 'read'];
const SFTP_ALL = [...SFTP_METHODS, 'close'];
/** libuv stream writes, as node:net calls them (stream_base_commons). */
const HANDLE_WRITES = [
  'writev',
  'writeBuffer',
  'writeUtf8String',
  'writeLatin1String',
  'writeAsciiString',
  'writeUcs2String',
];

/** Starts counting every ssh2 connection made from now on; stop() puts ssh2 back as it was. */
export function countWire(): { connections: Wire[]; stop(): void } {
  const require = createRequire(import.meta.url);
  const { Client } = require('ssh2') as { Client: { prototype: Record<string, Fn> } };
  const { SFTP } = require('ssh2/lib/protocol/SFTP.js') as {
    SFTP: { prototype: Record<string, Fn> };
  };
  const connections: Wire[] = [];
  const of = new WeakMap<object, Wire>();
  const saved: [Record<string, Fn>, string, Fn][] = [];
  const patch = (proto: Record<string, Fn>, name: string, make: (orig: Fn) => Fn): void => {
    const orig = proto[name] as Fn;
    saved.push([proto, name, orig]);
    proto[name] = make(orig);
  };
  const bump = (m: Record<string, number>, k: string): void => {
    m[k] = (m[k] ?? 0) + 1;
  };

  patch(
    Client.prototype,
    'connect',
    (orig) =>
      function (this: object, ...args: unknown[]) {
        const w: Wire = { packets: 0, systemWrites: 0, sftp: {}, sftpPaths: {}, dockerChannels: 0 };
        connections.push(w);
        of.set(this, w);
        const out = orig.apply(this, args);
        const sock = (this as { _sock?: Socket })._sock;
        if (sock !== undefined) {
          const write = sock.write.bind(sock) as (...a: unknown[]) => boolean;
          sock.write = (...a: unknown[]) => {
            w.packets++;
            return write(...a);
          };
          sock.once('connect', () => {
            const handle = (sock as unknown as { _handle?: Record<string, Fn> })._handle;
            if (handle === undefined) return;
            for (const name of HANDLE_WRITES) {
              const h = handle[name];
              if (typeof h !== 'function') continue;
              handle[name] = function (this: object, ...a: unknown[]) {
                w.systemWrites++;
                return h.apply(this, a);
              };
            }
          });
        }
        return out;
      },
  );
  patch(
    Client.prototype,
    'sftp',
    (orig) =>
      function (this: object, ...args: unknown[]) {
        const w = of.get(this);
        const cb = args.at(-1) as (err: unknown, s: object) => void;
        return orig.call(this, ...args.slice(0, -1), (err: unknown, s: object) => {
          if (w !== undefined && !err) of.set(s, w);
          cb(err, s);
        });
      },
  );
  patch(
    Client.prototype,
    'openssh_forwardOutStreamLocal',
    (orig) =>
      function (this: object, ...args: unknown[]) {
        const w = of.get(this);
        if (w !== undefined) w.dockerChannels++;
        return orig.apply(this, args);
      },
  );
  for (const method of SFTP_ALL)
    patch(
      SFTP.prototype,
      method,
      (orig) =>
        function (this: object, ...args: unknown[]) {
          const w = of.get(this);
          if (w !== undefined) {
            bump(w.sftp, method);
            if (typeof args[0] === 'string') bump(w.sftpPaths, `${method} ${args[0]}`);
          }
          return orig.apply(this, args);
        },
    );
  return {
    connections,
    stop: () => {
      for (const [proto, name, orig] of saved.reverse()) proto[name] = orig;
    },
  };
}

/** All SFTP requests of a connection. */
export const sftpRequests = (w: Wire): number => Object.values(w.sftp).reduce((s, n) => s + n, 0);
