/**
 * Booleans as the components read their flags: Go's strconv.ParseBool (pflag and Go's flag
 * package both use it), so `--profiling=False` and `--anonymous-auth=0` are booleans too.
 */
const GO_BOOL: ReadonlyMap<string, boolean> = new Map([
  ['1', true],
  ['t', true],
  ['T', true],
  ['TRUE', true],
  ['true', true],
  ['True', true],
  ['0', false],
  ['f', false],
  ['F', false],
  ['FALSE', false],
  ['false', false],
  ['False', false],
]);

/** What strconv.ParseBool makes of the text; undefined where it refuses it (and the component with it). */
export const parseBool = (text: string): boolean | undefined => GO_BOOL.get(text);

/**
 * The boolean a profile's value stands for when it is a boolean literal: `true` or `false`, in
 * ParseBool's word spellings (True, TRUE...). "1" and "0" are numbers there, not booleans.
 */
export function booleanLiteral(value: string): boolean | undefined {
  // A switch rather than a map: eq and noteq ask for every flag test of every node.
  switch (value) {
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
      return undefined;
  }
}
