import { piecesOf, withFinalNewline, type Rendered } from '../report/formatters/rendered.js';
import { BATCH, cannotWrite, readerGone, writeFiles, type PendingFile } from './write-files.js';

/** One output of a run: a file, or stdout when the path is undefined or `-`. */
export interface Output {
  path: string | undefined;
  content: Rendered;
}

const isStdout = (path: string | undefined): boolean => path === undefined || path === '-';

/** How much of stdout's text is rendered before any file is written (characters). */
export const AHEAD = 16 * 1024 * 1024;

/**
 * The rendering with its first `limit` characters (or all of it) already rendered: a formatter
 * that throws early throws here, before anything is written.
 */
export function renderAhead(content: Rendered, limit = AHEAD): Rendered {
  if (typeof content === 'string') return content;
  const it = content[Symbol.iterator]();
  const head: string[] = [];
  let size = 0;
  for (let r = it.next(); ; r = it.next()) {
    if (r.done === true) return head.join('');
    head.push(r.value);
    size += r.value.length;
    if (size >= limit) break;
  }
  return (function* rest(): Generator<string, void, undefined> {
    yield* head;
    for (let r = it.next(); r.done !== true; r = it.next()) yield r.value;
  })();
}

/**
 * Resolves when the stream has taken what is buffered or has closed; rejects on its error. Every
 * listener it adds is removed when it settles: a report written in thousands of batches to a
 * slow reader must not pile up listeners (Node warns past ten: MaxListenersExceededWarning).
 */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', failed);
    };
    const failed = (e: Error): void => {
      done();
      reject(e);
    };
    const settle = (): void => {
      done();
      resolve();
    };
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
 * Writes to stdout piece by piece, in batches of about 64 KiB, waiting for the reader whenever
 * the stream says its buffer is full: on Linux a pipe is written asynchronously, and a report
 * of 100,000 nodes written at once would sit in memory, whole, until a slow reader took it.
 * A reader that stops early (`| head`) ends the writing quietly; the run goes on to its exit
 * code (bin/rkecis.js ignores the EPIPE), so a failing report still exits 1 under pipefail.
 */
export async function writeStdout(
  content: Rendered,
  stream: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  let batch = '';
  const flush = async (): Promise<boolean> => {
    try {
      const open = await put(stream, batch);
      batch = '';
      return open;
    } catch (e) {
      throw cannotWrite('to standard output', e);
    }
  };
  for (const piece of piecesOf(content)) {
    batch += piece;
    if (batch.length >= BATCH && !(await flush())) return;
  }
  if (batch !== '') await flush();
}

/**
 * Writes a run's outputs, each ending with a newline: the files first (writeFiles: replaced
 * atomically, or written in place when a device or FIFO), then stdout. Stdout's text is rendered up to AHEAD characters before any
 * file is written, so that a formatter that throws leaves no file behind and no half-printed
 * report, as when every output was one string; only a bigger one (a cluster of thousands of
 * nodes) is rendered as it is printed, after the files.
 */
export async function writeOutputs(outputs: readonly Output[]): Promise<void> {
  const printed = outputs.filter((o) => isStdout(o.path));
  if (printed.length > 1) throw new Error('only one output can be written to stdout');
  const main = printed[0] !== undefined ? renderAhead(printed[0].content) : undefined;
  const files: PendingFile[] = outputs.flatMap(({ path, content }) =>
    path === undefined || isStdout(path) ? [] : [{ path, content: withFinalNewline(content) }],
  );
  await writeFiles(files);
  if (main !== undefined) await writeStdout(withFinalNewline(main));
}

/** Writes to a file atomically, or to stdout when no path is given (or `-`). */
export async function emit(content: Rendered, path: string | undefined): Promise<void> {
  await writeOutputs([{ path, content }]);
}
