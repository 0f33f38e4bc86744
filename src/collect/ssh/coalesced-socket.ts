import { Socket } from 'node:net';

/**
 * A TCP connection whose writes of one turn of the event loop leave together. ssh2 writes each
 * SSH packet on its own, and a node scan sends its requests in bursts (the tens of SFTP `lstat`s
 * collectFiles issues at once, the Docker inspects): one `write` system call per packet, and as
 * many wake-ups of the node's sshd. Corked from the first write of a turn of the event loop until
 * the turn's I/O callbacks have run (setImmediate: the answers that arrived together, each
 * sending its next request), the burst goes out in one `writev`. The bytes and their order are
 * unchanged; nothing waits for a timer. What remains is about one write per round trip.
 */
export function connectCoalesced(host: string, port: number): Socket {
  const sock = new Socket();
  // connect() puts Socket.prototype.write back on the socket, so write is wrapped after it.
  sock.connect({ host, port });
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    sock.uncork();
  };
  sock.write = (...args: unknown[]): boolean => {
    if (!corked) {
      corked = true;
      sock.cork();
      setImmediate(uncork);
    }
    return write(...args);
  };
  // As ssh2 does for the socket it makes itself: channels add listeners of their own.
  sock.setMaxListeners(0);
  return sock;
}
