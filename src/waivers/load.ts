import { loadYamlFile } from '../profiles/load.js';
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

/** Reads and validates a waivers file; a bad one is an InputError naming file:line:column. */
export function loadWaivers(file: string): LoadedWaivers {
  const { data, at } = loadYamlFile(file, waiversFileSchema);
  const source = at([]).replace(/:\d+:\d+$/, '');
  return {
    file: source,
    waivers: data.waivers.map((w, i) => ({ ...w, source: at(['waivers', i]) })),
  };
}
