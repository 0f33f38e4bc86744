import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { SshError } from './connect.js';

/** RFC 4254 5.1 channel open failure reason codes. */
const OPEN_FAILURE: Record<number, string> = {
  1: 'the bastion refused to forward (administratively prohibited: AllowTcpForwarding is off on the bastion, or a PermitOpen rule forbids this address)',
  2: 'the bastion could not connect to it',
  3: 'the bastion does not forward TCP connections (unknown channel type)',
  4: 'the bastion is out of resources',
};

/**
 * A connection from the bastion to a node's SSH port: one direct-tcpip channel of the bastion's
 * SSH connection, as `ssh -J` and RKE open it. The node's own SSH session runs inside it.
 */
export function forwardThroughBastion(
  bastion: Client,
  bastionName: string,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new SshError(
          `the bastion host ${bastionName} did not connect to ${host}:${port} within ${timeoutMs / 1000}s`,
        ),
      );
    }, timeoutMs);
    try {
      bastion.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
        clearTimeout(timer);
        if (err) {
          const code = (err as Error & { reason?: unknown }).reason;
          const why = typeof code === 'number' ? OPEN_FAILURE[code] : undefined;
          // OpenSSH's description says what happened at the node: "Connection refused", ...
          const detail = err.message.replace(/^\(SSH\) Channel open failure: ?/, '');
          reject(
            new SshError(
              `the bastion host ${bastionName} could not open a connection to ${host}:${port}: ${why ?? 'channel open failure'}${detail !== '' ? ` (${detail})` : ''}`,
            ),
          );
        } else resolve(channel);
      });
    } catch (e) {
      clearTimeout(timer);
      reject(
        new SshError(
          `the bastion host ${bastionName} is no longer connected: ${(e as Error).message}`,
        ),
      );
    }
  });
}
