import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Run by `npm run build` after tsc: bundles the CLI (dist/cli/main.js and everything it imports,
 * dependencies included) into dist/bundle/, which bin/rkecis.js runs. Node resolves and reads
 * hundreds of files for an unbundled run (the Kubernetes client alone takes most of a second to
 * import that way, a tenth of one bundled); each command's dynamic import() stays a separate
 * chunk, so a run still loads only the command it runs.
 *
 * dist/bundle/ is two levels below the package root, like the modules it replaces, so their
 * paths relative to import.meta.url (../../profiles/, ../profiles-compiled/) still hold.
 */
const out = fileURLToPath(new URL('../bundle/', import.meta.url));
rmSync(out, { recursive: true, force: true });

await build({
  entryPoints: { main: fileURLToPath(new URL('../cli/main.js', import.meta.url)) },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons and what only the history stores and SSH load stay in node_modules.
  external: ['better-sqlite3', 'pg', 'pg-native', 'ssh2', 'cpu-features'],
  // CommonJS dependencies call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __rkecisRequire } from 'node:module'; const require = __rkecisRequire(import.meta.url);",
  },
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
