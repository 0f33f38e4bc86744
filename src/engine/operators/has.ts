/** has: the value contains the expected text (kube-bench's substring test). */
export const has = (actual: string, expected: string): boolean => actual.includes(expected);
