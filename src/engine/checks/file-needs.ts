import type { EvidenceNeeds } from './kind.js';
import type { FileScope } from './files.js';

/**
 * The evidence a file-mode or file-owner check reads: its paths (with their entries unless it is
 * about the paths alone), or the path a container's flag names, which needs that container's
 * flags and mounts first.
 */
export function requireFiles(check: FileScope, needs: EvidenceNeeds): void {
  const want = { entries: check.target !== 'self' };
  if (check.from !== undefined) {
    needs.container(check.from.container, { mounts: true });
    needs.fileFrom(check.from, want);
    return;
  }
  for (const p of check.paths ?? []) needs.file(p, want);
}
