/**
 * The comparison operators the profile format knows: kube-bench's, plus the two list-item ones.
 * Defined with the format (the schema accepts exactly these) and light, so the engine's operator
 * table is typed against them: an operator the format names and the engine lacks, or the other
 * way round, does not compile.
 */
export const OPERATOR_NAMES = [
  'eq',
  'noteq',
  'has',
  'nothave',
  'gt',
  'gte',
  'lt',
  'lte',
  'bitmask',
  'valid_elements',
  'regex',
  'has_item',
  'nothave_item',
] as const;

export type OperatorName = (typeof OPERATOR_NAMES)[number];
