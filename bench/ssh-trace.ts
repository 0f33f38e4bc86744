import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Loaded into an `rkecis cluster` process with `node --import` by the cluster benchmark: counts,
 * per SSH connection (per node), the SSH packets each way by type (ssh2's own debug log), the
 * SFTP requests by kind and by path, the Docker socket forwards, and when the handshake, the
 * login, SFTP and the last packet happened. Written as JSON to $RKECIS_BENCH_TRACE at exit.
 * It changes nothing rkecis does (debug logging costs CPU: the timing runs are made without it).
 */

export interface ConnTrace {
  /** ms from connect() to each milestone. */
  at: Partial<Record<'handshake' | 'ready' | 'sftp' | 'firstForward' | 'lastPacket', number>>;
  /** "out KEXINIT", "in CHANNEL_DATA", "sftp LSTAT"... */
  packets: Record<string, number>;
  sftp: Record<string, number>;
  paths: Record<string, number>;
  forwards: number;
  negotiated?: unknown;
}

const out = process.env.RKECIS_BENCH_TRACE;
if (out !== undefined && out !== '') {
  const require = createRequire(new URL('../../package.json', import.meta.url));
  type Fn = (this: object, ...args: unknown[]) => unknown;
  const ssh2 = require('ssh2') as { Client: { prototype: Record<string, Fn> } };
  const { SFTP } = require('ssh2/lib/protocol/SFTP.js') as {
    SFTP: { prototype: Record<string, Fn> };
  };
  const conns: ConnTrace[] = [];
  const traces = new WeakMap<object, { c: ConnTrace; t0: number }>();
  const since = (t0: number): number => Math.round((performance.now() - t0) * 100) / 100;
  const bump = (m: Record<string, number>, k: string): void => {
    m[k] = (m[k] ?? 0) + 1;
  };

  const client = ssh2.Client.prototype;
  const connect = client.connect as Fn;
  client.connect = function (this: object, ...args: unknown[]) {
    const cfg = { ...(args[0] as Record<string, unknown>) };
    const c: ConnTrace = { at: {}, packets: {}, sftp: {}, paths: {}, forwards: 0 };
    const t0 = performance.now();
    conns.push(c);
    traces.set(this, { c, t0 });
    cfg.debug = (line: string): void => {
      c.at.lastPacket = since(t0);
      if (line === 'Handshake completed') c.at.handshake ??= since(t0);
      // "Outbound: Sending CHANNEL_DATA (r:0, 36)" -> "out CHANNEL_DATA"
      const m =
        /^(SFTP: )?(Outbound|Inbound): (?:Sending |Received |Buffered )?([A-Z_]+[A-Z_@.a-z-]*)/.exec(
          line,
        );
      if (m !== null)
        bump(
          c.packets,
          `${m[1] !== undefined ? 'sftp ' : ''}${m[2] === 'Outbound' ? 'out' : 'in'} ${m[3] ?? ''}`,
        );
    };
    (this as { once(e: string, f: (...a: unknown[]) => void): void }).once('ready', () => {
      c.at.ready = since(t0);
    });
    (this as { once(e: string, f: (...a: unknown[]) => void): void }).once(
      'handshake',
      (negotiated: unknown) => {
        c.negotiated = negotiated;
      },
    );
    return connect.call(this, cfg, ...args.slice(1));
  };
  const sftp = client.sftp as Fn;
  client.sftp = function (this: object, ...args: unknown[]) {
    const t = traces.get(this);
    const cb = args.at(-1) as (err: unknown, s: object) => void;
    return sftp.call(this, ...args.slice(0, -1), (err: unknown, s: object) => {
      if (t !== undefined && !err) {
        t.c.at.sftp = since(t.t0);
        traces.set(s, t);
      }
      cb(err, s);
    });
  };
  const forward = client.openssh_forwardOutStreamLocal as Fn;
  client.openssh_forwardOutStreamLocal = function (this: object, ...args: unknown[]) {
    const t = traces.get(this);
    if (t !== undefined) {
      t.c.forwards++;
      t.c.at.firstForward ??= since(t.t0);
    }
    return forward.apply(this, args);
  };
  for (const method of [
    'lstat',
    'stat',
    'readlink',
    'opendir',
    'readdir',
    'open',
    'fstat',
    'read',
    'close',
  ]) {
    const orig = SFTP.prototype[method] as Fn;
    SFTP.prototype[method] = function (this: object, ...args: unknown[]) {
      const t = traces.get(this);
      if (t !== undefined) {
        bump(t.c.sftp, method);
        if (typeof args[0] === 'string') bump(t.c.paths, `${method} ${args[0]}`);
      }
      return orig.apply(this, args);
    };
  }
  process.on('exit', () => {
    writeFileSync(out, JSON.stringify(conns));
  });
}
