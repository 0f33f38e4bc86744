import { shorten } from '../text/shorten.js';
import { oneLine } from '../text/visible.js';

/**
 * The one way rkecis writes a message to stderr: a line starting `rkecis: `, whatever the message
 * quotes (a file name, a node name, an argument) shown escaped and shortened (src/text/).
 */
export const messageLine = (message: string): string => `rkecis: ${shorten(oneLine(message))}\n`;

export function say(message: string): void {
  process.stderr.write(messageLine(message));
}
