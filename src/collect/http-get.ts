import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  /** Header names in lower case, as node:http gives them. */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpGetOptions {
  /** Whole-request deadline (connect, headers and body), in milliseconds. */
  timeoutMs: number;
  /** Bodies larger than this are refused, so a misbehaving server cannot exhaust memory. */
  maxBytes: number;
  /** https.request when true (Kubernetes), http.request otherwise (Docker). */
  tls?: boolean;
}

/** A transport failure (no HTTP status): its `code` is the errno (ENOENT, ECONNREFUSED...) or ours. */
export class HttpGetError extends Error {
  override readonly name = 'HttpGetError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * One read-only GET with a deadline over the whole exchange (a socket idle timeout alone would let
 * a server that drips bytes hold a scan forever). Every failure rejects with an HttpGetError.
 */
export function httpGet(request: http.RequestOptions, opts: HttpGetOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string, code: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new HttpGetError(message, code));
    };
    const send = opts.tls === true ? https.request : http.request;
    // Plain HTTP has no server name to send. Without one given, node:http's agent works one out
    // from the Host header with net.isIP, whose IPv6 expression V8 compiles on first use: some
    // 7 ms of every scan's start-up, for a name nothing reads.
    const options: http.RequestOptions & { servername?: string } =
      opts.tls === true
        ? { ...request, method: 'GET' }
        : { ...request, method: 'GET', servername: '' };
    const req = send(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) fail(`response larger than ${opts.maxBytes} bytes`, 'ETOOBIG');
        else chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled || !res.complete) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      // Whatever ends a response without a complete 'end' (a reset, a short body) closes it.
      res.on('close', () => {
        fail('connection closed before the response was complete', 'ECONNRESET');
      });
      res.on('error', (e: NodeJS.ErrnoException) => {
        fail(e.message, e.code ?? 'EIO');
      });
    });
    const timer = setTimeout(() => {
      fail(`no complete answer within ${opts.timeoutMs / 1000}s`, 'ETIMEDOUT');
    }, opts.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      fail(e.message, e.code ?? 'EIO');
    });
    req.end();
  });
}

/** Parses a JSON body; undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
