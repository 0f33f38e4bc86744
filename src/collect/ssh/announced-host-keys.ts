import type { Client } from 'ssh2';

/** ssh2's protocol object: the handler this wraps, and the reply it may owe. */
interface Protocol {
  _handlers?: { GLOBAL_REQUEST?: GlobalRequestHandler };
  requestSuccess(): void;
}

type GlobalRequestHandler = (p: unknown, name: string, wantReply: boolean, data: unknown) => void;

/** OpenSSH's announcement of every host key the node has (its UpdateHostKeys extension). */
export const HOST_KEYS_ANNOUNCED = 'hostkeys-00@openssh.com';

/**
 * Leaves the node's announcement of its other host keys unanswered, as OpenSSH's client does
 * unless asked to update known_hosts. ssh2 answers it on its own by asking the node to prove
 * each key (`hostkeys-prove-00@openssh.com`): one more round trip, a signature by every host key
 * on the node (RSA's the dearest), and their checks here, for keys rkecis never uses: the node's
 * identity was already checked against known_hosts during the key exchange, and known_hosts is
 * never written. Any other global request is ssh2's to answer as before. Call right after
 * conn.connect().
 */
export function ignoreAnnouncedHostKeys(conn: Client): void {
  const proto = (conn as unknown as { _protocol?: Protocol })._protocol;
  const handlers = proto?._handlers;
  const inner = handlers?.GLOBAL_REQUEST;
  if (proto === undefined || handlers === undefined || inner === undefined)
    throw new Error(
      "ignoreAnnouncedHostKeys: call it after connect(), with the ssh2 version package.json pins (its protocol's global request handler is not where it was)",
    );
  handlers.GLOBAL_REQUEST = (p, name, wantReply, data) => {
    if (name !== HOST_KEYS_ANNOUNCED) {
      inner(p, name, wantReply, data);
      return;
    }
    // OpenSSH asks no reply; a node that does gets the one ssh2 would give.
    if (wantReply) proto.requestSuccess();
  };
}
