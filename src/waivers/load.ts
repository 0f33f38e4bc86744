import { InputError } from '../base/errors.js';
import { loadYamlFile } from '../base/yaml-file.js';
import type { Profile } from '../profiles/schema.js';
import { waiversFileSchema, type Waiver } from './schema.js';

/** A waiver with the place it is written, so reports can point auditors at it. */
export interface LocatedWaiver extends Waiver {
  /** file:line:column of the waiver in its file. */
  source: string;
}

export interface LoadedWaivers {
  file: string;
  waivers: LocatedWaiver[];
}

/**
 * Reads and validates a waivers file; a bad one is an InputError naming file:line:column. With
 * the profile the run uses, a waiver of a control the profile does not have is bad input, as a
 * misspelled role is: a mistyped id would otherwise be listed as unused at most, and the failure
 * it was written for would fail the run with no word of why.
 */
export function loadWaivers(file: string, profile?: Profile): LoadedWaivers {
  const { data, at } = loadYamlFile(file, waiversFileSchema);
  const source = at([]).replace(/:\d+:\d+$/, '');
  if (profile !== undefined && data.profile !== undefined && data.profile !== profile.meta.name) {
    throw new InputError(
      `${at(['profile'])}: these waivers are for profile ${data.profile}, and this run judges by profile ${profile.meta.name} (its control ids mean other controls); give --profile ${data.profile}, or waivers written for ${profile.meta.name}`,
    );
  }
  if (profile !== undefined) {
    const ids = new Set(profile.controls.map((c) => c.id));
    data.waivers.forEach((w, i) => {
      if (!ids.has(w.control)) {
        throw new InputError(
          `${at(['waivers', i, 'control'])}: control ${w.control} is not in profile ${profile.meta.name}, so this waiver could never apply (rkecis explain ID shows a control)`,
        );
      }
    });
  }
  return {
    file: source,
    waivers: data.waivers.map((w, i) => ({ ...w, source: at(['waivers', i]) })),
  };
}
