import { parse } from 'yaml';
import { ownValue } from '../../evidence/own.js';
import type { Flags } from '../flags.js';
import { asText, select } from '../select.js';
import type { EvalContext } from '../verdict.js';
import { fileOf, FILE_MESSAGES } from './files.js';
import type { FlagPlan } from './flag-tree.js';
import type { FoundOf } from './kind.js';
import { resolveFrom } from './paths-from.js';

/** Why a container's environment variables or its --config file's settings cannot be had. */
export const SETTINGS_MESSAGES = {
  ...FILE_MESSAGES,
  'env-not-collected': (d: { container: string; name: string }) =>
    `the environment variable ${d.name} of ${d.container} was not collected`,
  'config-not-yaml': (d: { path: string; error: string }) =>
    `${d.path} (the --config file) is not valid YAML: ${d.error}`,
  'config-content-not-collected': (d: { path: string }) =>
    `the content of ${d.path} (the --config file) was not collected`,
  'config-value-type': (d: { path: string; key: string }) =>
    `${d.path}: ${d.key} is a map, not a value a flag could hold; it cannot be judged`,
} as const;

type SettingsProblem = FoundOf<typeof SETTINGS_MESSAGES>;

/** The config file's values that the tests read, as shown: key -> value, null when not set. */
export interface ConfigShown {
  path: string;
  values: Record<string, string | null>;
}

/**
 * The values a flag check's tests read: the container's flags, its named environment variables
 * (keyed by name), and for a flag not given, the value of its key in the YAML file the
 * container's `--config` names (a flag given wins, as the kubelet has it). Only when the check
 * names variables or config keys; else the flags themselves.
 */
export function settingsOf(
  ctx: EvalContext,
  container: string,
  plan: FlagPlan,
  flags: Flags,
): { values: ReadonlyMap<string, string>; config?: ConfigShown } | SettingsProblem {
  if (plan.env.length === 0 && plan.config.size === 0) return { values: flags };
  const values = new Map(flags);
  if (plan.env.length > 0) {
    const c = ownValue(ctx.evidence.containers, container, ctx.evidence.containers[container]);
    const env = c?.status === 'present' ? c.env : undefined;
    for (const name of plan.env) {
      const v = env === undefined ? undefined : ownValue(env, name, env[name]);
      // Not in the map is not collected; null is collected and not set.
      if (v === undefined) return { id: 'env-not-collected', data: { container, name } };
      if (v !== null) values.set(name, v);
    }
  }
  const unset = [...plan.config].filter(([flag]) => !flags.has(flag));
  if (unset.length === 0 || !flags.has('--config')) return { values };
  const path = resolveFrom(ctx, { container, flag: '--config' }, false);
  if ('id' in path) return path;
  const f = fileOf(ctx, path.hostPath);
  // A --config file that is not there stops the component: no default is what it runs with.
  if ('id' in f) return f;
  if (f.content === undefined)
    return { id: 'config-content-not-collected', data: { path: path.hostPath } };
  let doc: unknown;
  try {
    doc = parse(f.content, { maxAliasCount: 100 }) as unknown;
  } catch (e) {
    const error = (e as Error).message.split('\n')[0] ?? '';
    return { id: 'config-not-yaml', data: { path: path.hostPath, error } };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return { id: 'config-not-yaml', data: { path: path.hostPath, error: 'not a map of settings' } };
  const shown: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
  for (const [flag, key] of unset) {
    const found = select(doc, key);
    const v = found[0];
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      return { id: 'config-value-type', data: { path: path.hostPath, key } };
    const text = asText(v);
    shown[key] = text ?? null;
    if (text !== undefined) values.set(flag, text);
  }
  return { values, config: { path: path.hostPath, values: shown } };
}
