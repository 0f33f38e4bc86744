/**
 * A message quotes what the user gave it (an argument, a path), and a user can give 100 KB: a
 * word longer than MAX_WORD is shown by its start and end with the number of characters left out,
 * and a message longer than MAX_MESSAGE by its start and end, so that a mistyped argument can be
 * recognised and the problem, which messages state last, is still read.
 */
const MAX_WORD = 200;
const MAX_MESSAGE = 2000;

const cut = (text: string, head: number, tail: number): string =>
  `${text.slice(0, head)}…[${(text.length - head - tail).toLocaleString('en-US')} characters]…${text.slice(text.length - tail)}`;

export function shorten(text: string, maxWord = MAX_WORD, maxMessage = MAX_MESSAGE): string {
  const words = text.replace(/\S+/g, (w) =>
    w.length <= maxWord ? w : cut(w, Math.floor(maxWord * 0.6), Math.floor(maxWord * 0.2)),
  );
  if (words.length <= maxMessage) return words;
  return cut(words, Math.floor(maxMessage * 0.6), Math.floor(maxMessage * 0.3));
}
