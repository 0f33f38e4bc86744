/** nothave: the value does not contain the expected text. */
export const nothave = (actual: string, expected: string): boolean => !actual.includes(expected);
