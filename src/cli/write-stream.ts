import { piecesOf, type Rendered } from '../report/formatters/rendered.js';
import { systemReason } from '../text/system-error.js';
import { InputError } from '../base/errors.js';

/** Characters gathered before one write(2): pieces may be a line each. */
export const BATCH = 64 * 1024;

/** The reader has gone (`| head`, a FIFO's reader closed): nothing more is written, and that is not an error. */
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);
export const readerGone = (e: unknown): boolean =>
  READER_GONE.has((e as NodeJS.ErrnoException | undefined)?.code ?? '');

/**
 * A write that failed: exit 2, naming the user's file (never the temporary file beside it) and
 * the reason in words (no space left on the device, permission denied...).
 */
export function cannotWrite(what: string, e: unknown): InputError {
  return new InputError(`cannot write ${what}: ${systemReason(e, 'its folder does not exist')}`);
}

/**
 * Resolves when the stream has taken what is buffered or has closed; rejects on its error. Every
 * listener it adds is removed when it settles: a report written in thousands of batches to a
 * slow reader must not pile up listeners (Node warns past ten: MaxListenersExceededWarning).
 */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanUp = (): void => {
      stream.off('drain', settle);
      stream.off('close', settle);
      stream.off('error', failed);
    };
    function settle(): void {
      cleanUp();
      resolve();
    }
    function failed(e: Error): void {
      cleanUp();
      reject(e);
    }
    stream.on('drain', settle);
    stream.on('close', settle);
    stream.on('error', failed);
  });
}

/** Writes one batch; false when the reader has gone. */
async function put(stream: NodeJS.WritableStream, text: string): Promise<boolean> {
  if ((stream as { destroyed?: boolean }).destroyed === true) return false;
  if (stream.write(text)) return true;
  // A pipe to a slow reader: wait until it has taken what is buffered, or has gone.
  try {
    await drained(stream);
  } catch (e) {
    if (readerGone(e)) return false;
    throw e;
  }
  return (stream as { destroyed?: boolean }).destroyed !== true;
}

/**
 * Writes to stdout (or stderr) piece by piece, in batches of about 64 KiB, waiting for the reader whenever
 * the stream says its buffer is full: on Linux a pipe is written asynchronously, and a report
 * of 100,000 nodes written at once would sit in memory, whole, until a slow reader took it.
 * A reader that stops early (`| head`) ends the writing quietly; the run goes on to its exit
 * code (bin/rkecis.js ignores the EPIPE), so a failing report still exits 1 under pipefail.
 */
export async function writeStream(
  content: Rendered,
  stream: NodeJS.WritableStream,
  name = 'standard output',
): Promise<void> {
  let batch = '';
  const flush = async (): Promise<boolean> => {
    try {
      const open = await put(stream, batch);
      batch = '';
      return open;
    } catch (e) {
      throw cannotWrite(`to ${name}`, e);
    }
  };
  for (const piece of piecesOf(content)) {
    batch += piece;
    if (batch.length >= BATCH && !(await flush())) return;
  }
  if (batch !== '') await flush();
}
