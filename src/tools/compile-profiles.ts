import { writeCompiled } from '../profiles/compiled.js';
import { listProfiles, loadProfileFromYaml, profileDir } from '../profiles/load.js';

// Run by `npm run build`: validate every built-in profile and store it compiled.
for (const name of listProfiles()) {
  const dir = profileDir(name);
  writeCompiled(name, dir, loadProfileFromYaml(dir));
}
