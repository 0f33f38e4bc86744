import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * rkecis's package.json: the nearest one above this module, which may run from dist/, from the
 * bundled CLI in dist/bundle/, or from src/ under the tests.
 */
function packageJsonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return file;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The package version, read once from package.json. */
export const VERSION: string = (
  JSON.parse(readFileSync(packageJsonPath(), 'utf8')) as {
    version: string;
  }
).version;
