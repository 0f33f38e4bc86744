import { readCompiled } from './compiled.js';
import { isProfileFolder, profileDir } from './open.js';
import type { Profile } from './schema.js';
import { loadProfileFromYaml } from './yaml.js';

export {
  BUILTIN_PROFILES_DIR,
  DEFAULT_PROFILE,
  listProfiles,
  openProfile,
  profileDir,
} from './open.js';
export { loadProfileFromYaml } from './yaml.js';

/**
 * Loads a profile by built-in name or folder. A built-in profile comes from its build-time
 * compiled form when that matches the YAML; anything else is parsed and validated. (openProfile
 * is the same for the CLI, loading the YAML parser and the schema only when they are needed.)
 */
export function loadProfile(nameOrDir: string): Profile {
  const dir = profileDir(nameOrDir);
  return (isProfileFolder(nameOrDir) ? undefined : readCompiled(nameOrDir, dir)) ?? loadProfileFromYaml(dir);
}
