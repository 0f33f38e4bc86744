import { InputError } from '../../base/errors.js';

/** One schema step. Never edit a released one: add the next version. */
export interface Migration {
  version: number;
  description: string;
  statements: string[];
}

export const latestVersion = (migrations: readonly Migration[]): number =>
  migrations.at(-1)?.version ?? 0;

/** Refuses a database that a newer rkecis has migrated past what this one knows. */
export function assertNotNewer(
  version: number,
  migrations: readonly Migration[],
  display: string,
): void {
  const latest = latestVersion(migrations);
  if (version > latest) {
    throw new InputError(
      `history store ${display} was created by a newer rkecis (schema v${version}); this rkecis knows up to v${latest}: upgrade rkecis to read it`,
    );
  }
}
