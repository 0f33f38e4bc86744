import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../base/errors.js';
import { display, loadYamlFile } from '../base/yaml-file.js';
import {
  profileMetaSchema,
  sectionFileSchema,
  type Profile,
  type ProfileControl,
} from './schema.js';

/** Parses and validates a profile folder's YAML. */
export function loadProfileFromYaml(dir: string): Profile {
  const meta = loadYamlFile(join(dir, 'profile.yaml'), profileMetaSchema).data;
  const sections: Profile['sections'] = [];
  const controls: ProfileControl[] = [];
  const seen = new Map<string, string>();
  for (const name of meta.sections) {
    const file = join(dir, name);
    // Something that is there but not a regular file (a FIFO) is the reader's to name.
    if (lstatSync(file, { throwIfNoEntry: false }) === undefined) {
      throw new InputError(`${display(join(dir, 'profile.yaml'))}: section file ${name} does not exist`);
    }
    const { data: section, at } = loadYamlFile(file, sectionFileSchema);
    sections.push({ id: section.section, title: section.title, description: section.description });
    section.controls.forEach((c, i) => {
      const where = seen.get(c.id);
      if (where !== undefined) {
        throw new InputError(`${at(['controls', i, 'id'])}: duplicate control id ${c.id}; first at ${where}`);
      }
      if (!c.id.startsWith(`${section.section}.`)) {
        throw new InputError(`${at(['controls', i, 'id'])}: control ${c.id} is not in section ${section.section}`);
      }
      seen.set(c.id, at(['controls', i, 'id']));
      controls.push({ ...c, section: section.section });
    });
  }
  return { meta, sections, controls };
}
