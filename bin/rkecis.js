#!/usr/bin/env node
// A reader that stops early (`rkecis show ... | head`) is not an error: what is left to print is
// dropped (src/cli/output.ts stops writing), and the run ends as it would have, with its own
// exit code (1 for a failing report) and its scan saved. Any other failure to write stdout (a
// full disk behind `> file`) is bad output, exit 2, in one line.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
  process.stderr.write(`rkecis: cannot write to standard output: ${e.code ?? e.message}\n`);
  process.exit(2);
});

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before any module loads: `rkecis --version` is what scripts and probes call most.
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // The bundled CLI (npm run build writes dist/bundle/) loads in a fraction of the time of
  // dist/cli/, hundreds of files; dist/cli/ runs when the bundle is missing or older than the
  // last tsc build, so a bare `tsc` is never shadowed by a stale bundle.
  const { statSync } = await import('node:fs');
  const mtime = (rel) =>
    statSync(new URL(rel, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
  const bundled = mtime('../dist/bundle/main.js');
  const fresh = bundled !== undefined && bundled >= (mtime('../dist/cli/main.js') ?? 0);
  const { main } = await import(fresh ? '../dist/bundle/main.js' : '../dist/cli/main.js');
  process.exitCode = await main(args);
}
