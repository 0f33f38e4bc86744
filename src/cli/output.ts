import { withFinalNewline, type Rendered } from '../report/formatters/rendered.js';
import { writeFiles, type PendingFile } from './write-files.js';
import { writeStream } from './write-stream.js';

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

/** Writes to stdout piece by piece, at the pace of its reader (write-stream.ts). */
export const writeStdout = (
  content: Rendered,
  stream: NodeJS.WritableStream = process.stdout,
): Promise<void> => writeStream(content, stream);

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
