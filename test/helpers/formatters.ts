import formats, {
  FORMAT_NAMES,
  loadAnyFormatter,
  type AnyFormatter,
  type FormatName,
} from '../../src/report/formatters/index.js';

/**
 * Every formatter of the registry, loaded once, for tests that render synchronously (inside a
 * fast-check property, say): `formatters[name](report, options)` takes a node or a cluster report.
 */
export const formatters = Object.fromEntries(
  await Promise.all(
    FORMAT_NAMES.map(async (name) => [name, await loadAnyFormatter(name)] as const),
  ),
) as Record<FormatName, AnyFormatter>;

export { formats, FORMAT_NAMES, type FormatName };
