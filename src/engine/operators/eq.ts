/** eq: the value is exactly the expected text. */
export const eq = (actual: string, expected: string): boolean => actual === expected;
