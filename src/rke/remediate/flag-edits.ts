import { stringify } from 'yaml';
import type { FixIntent, FlagState } from '../../engine/checks/kind.js';
import type { Flags } from '../../engine/flags.js';
import { splitList } from '../../engine/operators/list.js';
import { oneLine } from '../../text/visible.js';
import { clusterYmlSchema, serviceOf, type ComponentName } from '../cluster-yml.js';
import { rkeOwnFlags } from '../plan.js';
import { currentFlags } from './current-flags.js';
import { addFile, mitigationText, outcome, SYNTHETIC, type Draft } from './draft.js';
import { notAutomatableFlags, rkeLimits, type RkeOwn } from './flag-fix.js';
import { RESTRICTED_PSP } from './hardening-files.js';
import { shellQuote } from './host-script.js';
import type { Failure, RemediateInput } from './types.js';
import { applyToData, renderValue, type YamlEdit } from './yaml-edit.js';
import { posix } from 'node:path';

/** A component's flags: as they are, as the fixes leave them, RKE's own, and the order changed. */
export interface ComponentFlags {
  current: Flags;
  next: FlagState;
  own: RkeOwn;
  order: string[];
}

/** A control fixed through extra_args, and the flags its fix changed. */
export interface FlagControl {
  failure: Failure;
  component: ComponentName;
  changed: Map<string, { before: string | undefined; after: string | undefined }>;
}

export interface FlagFixes {
  states: Map<ComponentName, ComponentFlags>;
  controls: FlagControl[];
  /** The flag edits added PodSecurityPolicy to the admission plugins. */
  pspAdded: boolean;
  /** The audit log path the edits set, when they set one. */
  auditPath: string | undefined;
}

const NO_VALUE =
  'No value RKE v0.1.x can give through extra_args satisfies the check (RKE sets the flag itself and puts it after extra_args, or the test has no single right value).';

/**
 * Container flags: the new args of each component, control by control, each through its kind's
 * solver within what RKE's extra_args can do.
 */
export function fixFlags(draft: Draft, failures: readonly Failure[]): FlagFixes {
  const states = new Map<ComponentName, ComponentFlags>();
  const stateOf = (component: ComponentName): ComponentFlags | undefined => {
    let s = states.get(component);
    if (s === undefined) {
      const own =
        rkeOwnFlags(draft.base, component) ??
        rkeOwnFlags(clusterYmlSchema.parse(SYNTHETIC), component);
      if (own === undefined) return undefined;
      const current = currentFlags(draft.input, draft.base, component);
      s = { current, next: new Map(current), own, order: [] };
      states.set(component, s);
    }
    return s;
  };
  const controls: FlagControl[] = [];
  for (const f of failures) {
    const intent: FixIntent = f.intent;
    if (intent.to !== 'flags') continue;
    const c = f.control;
    const why = notAutomatableFlags(intent);
    if (why !== undefined) {
      outcome(draft, f, 'mitigation', `no automatic fix: ${why}`, mitigationText(c, why));
      continue;
    }
    const component = intent.container as ComponentName;
    const state = serviceOf(component) === undefined ? undefined : stateOf(component);
    if (state === undefined) {
      outcome(
        draft,
        f,
        'manual',
        `container ${intent.container} is not one RKE configures through services`,
        mitigationText(c, 'rkecis cannot derive a cluster.yml change for it.'),
      );
      continue;
    }
    const before = new Map(state.next);
    if (!intent.solve(state.next, rkeLimits(component, state.own))) {
      outcome(draft, f, 'manual', `no automatic fix: ${NO_VALUE}`, mitigationText(c, NO_VALUE));
      continue;
    }
    const changed: FlagControl['changed'] = new Map();
    for (const k of new Set([...before.keys(), ...state.next.keys()])) {
      if (before.get(k) === state.next.get(k)) continue;
      changed.set(k, { before: before.get(k), after: state.next.get(k) });
      if (!state.order.includes(k)) state.order.push(k);
    }
    controls.push({ failure: f, component, changed });
    outcome(draft, f, 'cluster.yml', '');
  }
  return { states, controls, pspAdded: false, auditPath: undefined };
}

/** The new value of a component's flag, when the fixes change it. */
export function changedFlag(
  fixes: FlagFixes,
  component: ComponentName,
  flag: string,
): string | undefined {
  const s = fixes.states.get(component);
  if (s === undefined) return undefined;
  const now = s.next.get(flag);
  return now !== undefined && now !== s.current.get(flag) ? now : undefined;
}

/** The controls whose fix changes a component's flag. */
export const idsChanging = (fixes: FlagFixes, component: ComponentName, flag: string): string[] =>
  fixes.controls
    .filter((x) => x.component === component && x.changed.has(flag))
    .map((x) => x.failure.control.id);

/**
 * The cluster.yml edits: extra_args that differ from the current args, then what the new flags
 * need of cluster.yml beside them (pod_security_policy for the PodSecurityPolicy plugin, with its
 * manifest; the audit log's format and its directory bound into kube-apiserver).
 */
export function editCluster(draft: Draft, fixes: FlagFixes): void {
  const { edits } = draft;
  const services = draft.input.cluster?.config.services ?? draft.base.services;
  for (const [component, s] of fixes.states) {
    const svc = serviceOf(component);
    if (svc === undefined) continue;
    for (const k of s.order) {
      const was = s.current.get(k);
      const now = s.next.get(k);
      if (was === now) continue;
      const name = k.replace(/^--/, '');
      if (now === undefined)
        edits.push({ op: 'delete', path: ['services', svc, 'extra_args', name] });
      else edits.push({ op: 'set', path: ['services', svc, 'extra_args', name], value: now });
    }
  }
  const api = fixes.states.get('kube-apiserver');
  const plugins = api?.next.get('--enable-admission-plugins');
  fixes.pspAdded =
    plugins !== undefined &&
    splitList(plugins).includes('PodSecurityPolicy') &&
    !splitList(api?.current.get('--enable-admission-plugins') ?? '').includes('PodSecurityPolicy');
  if (fixes.pspAdded && services?.['kube-api']?.pod_security_policy !== true) {
    edits.push({ op: 'set', path: ['services', 'kube-api', 'pod_security_policy'], value: true });
  }
  if (fixes.pspAdded)
    addFile(
      draft,
      'restricted-psp.yaml',
      RESTRICTED_PSP,
      idsChanging(fixes, 'kube-apiserver', '--enable-admission-plugins'),
    );

  fixes.auditPath = changedFlag(fixes, 'kube-apiserver', '--audit-log-path');
  if (fixes.auditPath === undefined) return;
  const ids = idsChanging(fixes, 'kube-apiserver', '--audit-log-path');
  const dir = posix.dirname(fixes.auditPath);
  if (api !== undefined && api.next.get('--audit-log-format') === undefined) {
    api.next.set('--audit-log-format', 'json');
    edits.push({
      op: 'set',
      path: ['services', 'kube-api', 'extra_args', 'audit-log-format'],
      value: 'json',
    });
  }
  if (dir !== '/' && !dir.startsWith('/etc/kubernetes')) {
    const bind = `${dir}:${dir}`;
    if (!(services?.['kube-api']?.extra_binds ?? []).includes(bind)) {
      edits.push({ op: 'append', path: ['services', 'kube-api', 'extra_binds'], value: bind });
    }
    draft.blocks.controlplane.push({
      controls: ids,
      title: `the audit log directory, bound into kube-apiserver with extra_binds (${bind}); ship its logs off the node`,
      commands: [`install -d -m 0700 ${shellQuote(dir)}`],
    });
  }
}

/** What a control's edit does, in words, for the README and the summary. */
export function describeChange(
  svc: string,
  flag: string,
  before: string | undefined,
  after: string | undefined,
): string {
  const name = flag.replace(/^--/, '');
  const path = `services.${svc}.extra_args.${name}`;
  if (after === undefined) return `remove ${path}`;
  if (before !== undefined && name.endsWith('admission-plugins')) {
    const added = splitList(after).filter((i) => !splitList(before).includes(i));
    const removed = splitList(before).filter((i) => !splitList(after).includes(i));
    const parts = [
      ...(added.length > 0 ? [`adds ${added.join(', ')}`] : []),
      ...(removed.length > 0 ? [`removes ${removed.join(', ')}`] : []),
    ];
    return `${path} ${parts.join(', ')} (the whole list is written: RKE replaces its own with it)`;
  }
  return `${path}: ${renderValue(after)}`;
}

/** Without a cluster.yml: the services keys to merge into it, one comment per change. */
export function fragmentText(edits: readonly YamlEdit[], input: RemediateInput): string {
  const data = applyToData(
    {},
    edits.filter((e) => e.op !== 'delete'),
  ) as Record<string, unknown>;
  const removals = edits
    .filter((e) => e.op === 'delete')
    .map((e) => `#   remove ${e.path.join('.')}`);
  return [
    `# rkecis ${input.version}: cluster.yml changes for the failed controls of ${oneLine(input.source)}.`,
    '# Merge these keys into the cluster.yml under the same paths (enable-admission-plugins is the',
    '# whole list: RKE replaces its own with it), then run `rke up --config cluster.yml`.',
    ...(removals.length > 0 ? ['# Also:', ...removals] : []),
    stringify(data, { lineWidth: 0 }).trimEnd(),
    '',
  ].join('\n');
}
