/** noteq: the value is anything but the expected text. */
export const noteq = (actual: string, expected: string): boolean => actual !== expected;
