import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../base/errors.js';
import { readCompiled } from './compiled.js';
import type { Profile } from './schema.js';

/**
 * Finding and opening profiles without loading the YAML parser or the zod schema: a built-in
 * profile comes from its build-time compiled form, and only a profile folder (or a built-in whose
 * YAML changed since the build) loads load.ts to be parsed and validated.
 */

/** Built-in profiles ship in the package's `profiles/` folder. */
export const BUILTIN_PROFILES_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));
export const DEFAULT_PROFILE = 'rke-cis-1.3.0';

/** A name given as a path (`./mine`, `/etc/rkecis/p`) is a profile folder, else a built-in name. */
export const isProfileFolder = (nameOrDir: string): boolean =>
  nameOrDir.includes('/') || nameOrDir.startsWith('.');

/** Names of the built-in profiles. */
export function listProfiles(): string[] {
  return readdirSync(BUILTIN_PROFILES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(BUILTIN_PROFILES_DIR, d.name, 'profile.yaml')))
    .map((d) => d.name)
    // Numbers as numbers: rke-cis-1.3.0, 1.4.0, ... 1.7, 1.20, not 1.20 before 1.3.0.
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Resolves a profile name or folder to its folder. */
export function profileDir(nameOrDir: string): string {
  if (isProfileFolder(nameOrDir)) {
    const dir = resolve(nameOrDir);
    if (!existsSync(join(dir, 'profile.yaml'))) {
      throw new InputError(`profile ${nameOrDir}: no profile.yaml in that folder`);
    }
    return dir;
  }
  const dir = join(BUILTIN_PROFILES_DIR, nameOrDir);
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(nameOrDir) || !existsSync(join(dir, 'profile.yaml'))) {
    throw new InputError(
      `unknown profile "${nameOrDir}"; built-in profiles: ${listProfiles().join(', ')}`,
    );
  }
  return dir;
}

/**
 * loadProfile (load.ts) for the CLI: the same profile, but the YAML parser and the schema are
 * loaded only when the profile has to be parsed.
 */
export async function openProfile(nameOrDir: string): Promise<Profile> {
  const dir = profileDir(nameOrDir);
  const compiled = isProfileFolder(nameOrDir) ? undefined : readCompiled(nameOrDir, dir);
  if (compiled !== undefined) return compiled;
  const { loadProfileFromYaml } = await import('./yaml.js');
  return loadProfileFromYaml(dir);
}
