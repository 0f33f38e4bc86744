/**
 * `record[key]` when the record holds that key itself, else undefined. Evidence and report keys
 * are user data (file names, container, object and node names): a key such as `toString` or
 * `constructor` must never read as Object.prototype's member, nor `__proto__` as the prototype.
 */
export const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  ownValue(record, key, record[key]);

/**
 * `value`, which the caller read as `record[key]`, unless the record does not hold it itself. The
 * read stays at the caller, where it only ever sees one kind of record and stays fast (this runs
 * for every control of every node). Evidence values are plain data, never functions, and what a
 * record can inherit is Object.prototype's (its methods, `__proto__`): only then is ownership
 * looked up.
 */
export function ownValue<T>(record: object, key: string, value: T | undefined): T | undefined {
  if (typeof value !== 'function' && key !== '__proto__') return value;
  return Object.hasOwn(record, key) ? value : undefined;
}
