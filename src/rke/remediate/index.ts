import { posix } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { evaluate } from '../../engine/evaluate.js';
import { flagSyntaxOf, parseFlags, type Flags } from '../../engine/flags.js';
import { splitList } from '../../engine/operators/list.js';
import type { Evidence } from '../../evidence/schema.js';
import type { Profile, ProfileControl } from '../../profiles/schema.js';
import type { NodeReport } from '../../report/types.js';
import {
  clusterYmlSchema,
  serviceOf,
  type ClusterYml,
  type ComponentName,
} from '../cluster-yml.js';
import { failsAfterRkeDeploy } from '../plan-report.js';
import { planCluster, planEvidence, rkeOwnFlags } from '../plan.js';
import {
  fixCipherCheck,
  fixFlagCheck,
  notAutomatable,
  type FlagState,
  type RkeOwn,
} from './flag-fix.js';
import {
  admissionConfig,
  AUDIT_POLICY,
  encryptionConfig,
  EVENT_RATE_LIMIT,
  eventConfigPathFor,
  KUBELET_SYSCTLS,
  RESTRICTED_PSP,
} from './hardening-files.js';
import {
  chmodRemoving,
  hostScript,
  ifExists,
  installFile,
  shellQuote,
  type HostBlock,
  type ScriptTarget,
} from './host-script.js';
import { applyToData, editYaml, renderValue, type YamlEdit } from './yaml-edit.js';
import { describeIssue, PLAIN } from '../../text/schema-issues.js';
import { oneLine } from '../../text/visible.js';
import {
  mdBlocks,
  mdCell,
  mdCodeSpan as code,
  mdInline,
} from '../../report/formatters/markdown-escape.js';

export interface RemediateInput {
  profile: Profile;
  reports: NodeReport[];
  /** The evidence the reports came from, when the input was evidence: the live args. */
  evidence?: Evidence[];
  /** The cluster.yml to edit: its file name, text and validated content. */
  cluster?: { file: string; text: string; config: ClusterYml };
  /** base64 of 32 random bytes, for encryption.yaml (the caller generates it: this module is pure). */
  encryptionKey: string;
  /** The input file, for comments. */
  source: string;
  /** Where the edited cluster.yml is written, for the README. */
  clusterOut?: string;
  version: string;
}

export type FixKind = 'cluster.yml' | 'host' | 'file' | 'manifest' | 'mitigation' | 'manual';

export interface ControlOutcome {
  id: string;
  title: string;
  role: string;
  scored: boolean;
  nodes: string[];
  how: FixKind;
  /** What rkecis wrote for it, or what a person must do. */
  summary: string;
  /** For mitigation and manual: the guide's mitigation and the profile's remediation. */
  details?: string;
  /** From a plan: a host/API control RKE's deployment is known to fail, fixed ahead of time. */
  deployment: boolean;
}

export interface GeneratedFile {
  name: string;
  content: string;
  /** Holds a secret (the encryption key): never printed. */
  secret?: boolean;
}

export interface Remediation {
  outcomes: ControlOutcome[];
  /** Edits to cluster.yml (services.*.extra_args, pod_security_policy, extra_binds). */
  edits: YamlEdit[];
  /** The edited cluster.yml, when one was given; `exact` when every other byte was kept. */
  clusterYml?: { text: string; exact: boolean };
  /** Without a cluster.yml: the services fragment to merge into it. */
  fragment?: string;
  /** Everything for the output folder, by file name. */
  files: GeneratedFile[];
  warnings: string[];
  /** Controls that could not be evaluated (status error): no fix can be chosen for them. */
  unjudged: { id: string; title: string; nodes: string[]; reason: string }[];
}

/** A one-node cluster with every role, for RKE's defaults when no cluster.yml is given. */
const SYNTHETIC: unknown = {
  nodes: [{ address: '10.0.0.1', role: ['controlplane', 'etcd', 'worker'] }],
};

interface Failure {
  control: ProfileControl;
  nodes: Set<string>;
  deployment: boolean;
}

/** Failed controls across the reports, in profile order, with the nodes each failed on. */
function collectFailures(
  profile: Profile,
  reports: readonly NodeReport[],
): { failures: Failure[]; unjudged: Remediation['unjudged']; unknown: string[] } {
  const byId = new Map(profile.controls.map((c) => [c.id, c]));
  const found = new Map<string, Failure>();
  const unjudged = new Map<string, Remediation['unjudged'][number]>();
  const unknown = new Set<string>();
  for (const r of reports) {
    const planned = r.node.rolesSource === 'declared';
    for (const res of r.results) {
      const control = byId.get(res.id);
      if (control === undefined) {
        if (res.status === 'fail') unknown.add(res.id);
        continue;
      }
      const deployment = planned && res.status === 'manual' && failsAfterRkeDeploy(control);
      // A file the control reads that does not exist (encryption.yaml) is a failure to fix, not a blind spot.
      const missing =
        res.status === 'error' &&
        control.check.kind === 'file-content' &&
        /does not exist/.test(res.reason ?? res.actual);
      if (res.status === 'fail' || deployment || missing) {
        const f = found.get(res.id) ?? { control, nodes: new Set<string>(), deployment };
        f.nodes.add(r.node.name);
        f.deployment &&= deployment;
        found.set(res.id, f);
      } else if (res.status === 'error') {
        const u = unjudged.get(res.id) ?? {
          id: res.id,
          title: res.title,
          nodes: [],
          reason: res.reason ?? res.actual,
        };
        u.nodes.push(r.node.name);
        unjudged.set(res.id, u);
      }
    }
  }
  const order = new Map(profile.controls.map((c, i) => [c.id, i]));
  const rank = (id: string): number => order.get(id) ?? 0;
  return {
    failures: [...found.values()].sort((a, b) => rank(a.control.id) - rank(b.control.id)),
    unjudged: [...unjudged.values()].sort((a, b) => rank(a.id) - rank(b.id)),
    unknown: [...unknown],
  };
}

const flagsToState = (f: Flags): FlagState => new Map(f);

/** The planned args of a component in a cluster (its first node that runs it). */
function plannedFlags(cluster: ClusterYml, component: ComponentName): Flags | undefined {
  for (const n of planCluster(cluster)) {
    const c = n.containers.find((x) => x.name === component);
    if (c !== undefined) return parseFlags(c.args, flagSyntaxOf(component));
  }
  return undefined;
}

/**
 * The flags a report shows for a container: each flag control's `actual` reads `--name=value` or
 * `--name not set` (several joined by ", "). Only what the report's controls looked at.
 */
export function reportFlags(
  profile: Profile,
  reports: readonly NodeReport[],
  component: ComponentName,
): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const byId = new Map(profile.controls.map((c) => [c.id, c]));
  for (const r of reports) {
    for (const res of r.results) {
      const check = byId.get(res.id)?.check;
      if (check === undefined || (check.kind !== 'flag' && check.kind !== 'cipher-list')) continue;
      if (check.container !== component || (res.status !== 'pass' && res.status !== 'fail'))
        continue;
      for (const part of res.actual.split(/, (?=--)/)) {
        const unset = /^(--[A-Za-z0-9][\w.-]*) not set$/.exec(part);
        if (unset?.[1] !== undefined) {
          out.set(unset[1], undefined);
          continue;
        }
        const m = /^(--[A-Za-z0-9][\w.-]*)=(\S*)/.exec(part);
        if (m?.[1] !== undefined) out.set(m[1], m[2] ?? '');
      }
    }
  }
  return out;
}

/**
 * The current args of a component: the cluster.yml's plan, else the live evidence, else RKE's
 * defaults with what the report shows of them.
 */
function currentFlags(input: RemediateInput, base: ClusterYml, component: ComponentName): Flags {
  if (input.cluster !== undefined) return plannedFlags(base, component) ?? new Map();
  for (const e of input.evidence ?? []) {
    const c = e.containers[component];
    if (c?.status === 'present') return parseFlags(c.args, flagSyntaxOf(component));
  }
  const flags = new Map(plannedFlags(base, component) ?? []);
  for (const [k, v] of reportFlags(input.profile, input.reports, component)) {
    if (v === undefined) flags.delete(k);
    else flags.set(k, v);
  }
  return flags;
}

const describeChange = (
  svc: string,
  flag: string,
  before: string | undefined,
  after: string | undefined,
): string => {
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
};

const nodeList = (f: Failure): string[] => [...f.nodes];

const mitigationText = (c: ProfileControl, why: string): string =>
  [
    why,
    ...(c.guide.mitigation !== undefined ? [`Mitigation (the guide): ${c.guide.mitigation}`] : []),
    ...(c.guide.notes !== undefined && c.guide.mitigation === undefined
      ? [`The guide's notes: ${c.guide.notes}`]
      : []),
    `Remediation (the profile): ${c.remediation}`,
  ].join('\n\n');

/** Nodes of the cluster by role, for the scripts' headers. */
function nodesByRole(input: RemediateInput): Record<ScriptTarget, string[]> {
  const out: Record<ScriptTarget, string[]> = { all: [], controlplane: [], etcd: [], worker: [] };
  if (input.cluster !== undefined) {
    for (const n of planCluster(input.cluster.config)) {
      const label = n.name === n.address ? n.name : `${n.name} (${n.address})`;
      out.all.push(label);
      for (const r of n.roles) out[r].push(label);
    }
    return out;
  }
  for (const r of input.reports) {
    out.all.push(r.node.name);
    for (const role of r.node.roles) out[role].push(r.node.name);
  }
  return out;
}

/** Works out every fix. Pure: no I/O, no clock; the key comes in. */
export function buildRemediation(input: RemediateInput): Remediation {
  const { profile } = input;
  const warnings: string[] = [];
  const { failures, unjudged, unknown } = collectFailures(profile, input.reports);
  if (unknown.length > 0)
    warnings.push(
      `controls not in profile ${profile.meta.name} were skipped: ${unknown.join(', ')}`,
    );
  const baseData: unknown =
    input.cluster !== undefined ? parseDocument(input.cluster.text).toJS() : SYNTHETIC;
  const base = input.cluster?.config ?? clusterYmlSchema.parse(SYNTHETIC);

  const outcomes = new Map<string, ControlOutcome>();
  const outcome = (f: Failure, how: FixKind, summary: string, details?: string): ControlOutcome => {
    const o: ControlOutcome = {
      id: f.control.id,
      title: f.control.title,
      role: f.control.role,
      scored: f.control.scored,
      nodes: nodeList(f),
      how,
      summary,
      deployment: f.deployment,
      ...(details !== undefined ? { details } : {}),
    };
    outcomes.set(f.control.id, o);
    return o;
  };

  // 1. Container flags: work out the new args of each component, control by control.
  type State = { current: Flags; next: FlagState; own: RkeOwn; order: string[] };
  const states = new Map<ComponentName, State>();
  const stateOf = (component: ComponentName): State | undefined => {
    let s = states.get(component);
    if (s === undefined) {
      const own =
        rkeOwnFlags(base, component) ?? rkeOwnFlags(clusterYmlSchema.parse(SYNTHETIC), component);
      if (own === undefined) return undefined;
      const current = currentFlags(input, base, component);
      s = { current, next: flagsToState(current), own, order: [] };
      states.set(component, s);
    }
    return s;
  };
  const flagControls: {
    failure: Failure;
    component: ComponentName;
    changed: Map<string, { before: string | undefined; after: string | undefined }>;
  }[] = [];
  const blocks: Record<ScriptTarget, HostBlock[]> = {
    all: [],
    controlplane: [],
    etcd: [],
    worker: [],
  };
  const files = new Map<string, GeneratedFile>();
  const fileFor = new Map<string, string[]>(); // file name -> control ids
  const addFile = (name: string, content: string, ids: string[], secret = false): void => {
    files.set(name, { name, content, ...(secret ? { secret } : {}) });
    fileFor.set(name, [...new Set([...(fileFor.get(name) ?? []), ...ids])]);
  };

  for (const f of failures) {
    const c = f.control;
    const check = c.check;
    if (check.kind === 'flag' || check.kind === 'cipher-list') {
      const why = notAutomatable(check);
      if (why !== undefined) {
        outcome(f, 'mitigation', `no automatic fix: ${why}`, mitigationText(c, why));
        continue;
      }
      const component = check.container as ComponentName;
      const svc = serviceOf(component);
      const state = svc === undefined ? undefined : stateOf(component);
      if (state === undefined) {
        outcome(
          f,
          'manual',
          `container ${check.container} is not one RKE configures through services`,
          mitigationText(c, 'rkecis cannot derive a cluster.yml change for it.'),
        );
        continue;
      }
      const before = new Map(state.next);
      const ok =
        check.kind === 'flag'
          ? fixFlagCheck(check, state.next, state.own)
          : fixCipherCheck(check, state.next, state.own);
      if (!ok) {
        const why2 =
          'No value RKE v0.1.x can give through extra_args satisfies the check (RKE sets the flag itself and puts it after extra_args, or the test has no single right value).';
        outcome(f, 'manual', `no automatic fix: ${why2}`, mitigationText(c, why2));
        continue;
      }
      const changed = new Map<string, { before: string | undefined; after: string | undefined }>();
      for (const k of new Set([...before.keys(), ...state.next.keys()])) {
        if (before.get(k) === state.next.get(k)) continue;
        changed.set(k, { before: before.get(k), after: state.next.get(k) });
        if (!state.order.includes(k)) state.order.push(k);
      }
      flagControls.push({ failure: f, component, changed });
      outcome(f, 'cluster.yml', '');
    }
  }

  // 2. The edits: extra_args that differ from the current args, then pod_security_policy and binds.
  const edits: YamlEdit[] = [];
  const services = input.cluster?.config.services ?? base.services;
  for (const [component, s] of states) {
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
  const api = states.get('kube-apiserver');
  const changedApi = (flag: string): string | undefined => {
    if (api === undefined) return undefined;
    const now = api.next.get(flag);
    return now !== undefined && now !== api.current.get(flag) ? now : undefined;
  };
  const idsChanging = (component: ComponentName, flag: string): string[] =>
    flagControls
      .filter((x) => x.component === component && x.changed.has(flag))
      .map((x) => x.failure.control.id);

  const plugins = api?.next.get('--enable-admission-plugins');
  const pspAdded =
    plugins !== undefined &&
    splitList(plugins).includes('PodSecurityPolicy') &&
    !splitList(api?.current.get('--enable-admission-plugins') ?? '').includes('PodSecurityPolicy');
  if (pspAdded && services?.['kube-api']?.pod_security_policy !== true) {
    edits.push({ op: 'set', path: ['services', 'kube-api', 'pod_security_policy'], value: true });
  }
  if (pspAdded)
    addFile(
      'restricted-psp.yaml',
      RESTRICTED_PSP,
      idsChanging('kube-apiserver', '--enable-admission-plugins'),
    );

  const auditPath = changedApi('--audit-log-path');
  if (auditPath !== undefined) {
    const ids = idsChanging('kube-apiserver', '--audit-log-path');
    const dir = posix.dirname(auditPath);
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
      blocks.controlplane.push({
        controls: ids,
        title: `the audit log directory, bound into kube-apiserver with extra_binds (${bind}); ship its logs off the node`,
        commands: [`install -d -m 0700 ${shellQuote(dir)}`],
      });
    }
  }

  // 3. Files the new flags point at, installed on the controlplane nodes before `rke up`.
  const encryptionTargets = new Map<string, string[]>();
  const encPath = changedApi('--experimental-encryption-provider-config');
  if (encPath !== undefined)
    encryptionTargets.set(
      encPath,
      idsChanging('kube-apiserver', '--experimental-encryption-provider-config'),
    );
  for (const f of failures) {
    const check = f.control.check;
    if (
      check.kind === 'file-content' &&
      /encryption/i.test(check.path) &&
      /providers/.test(check.select)
    ) {
      encryptionTargets.set(check.path, [
        ...(encryptionTargets.get(check.path) ?? []),
        f.control.id,
      ]);
      outcome(
        f,
        'file',
        `encryption.yaml (aescbc first, a fresh 32-byte key), installed as ${check.path} by host-controlplane.sh`,
      );
    }
  }
  if (encryptionTargets.size > 0) {
    const ids = [...new Set([...encryptionTargets.values()].flat())];
    addFile('encryption.yaml', encryptionConfig(input.encryptionKey), ids, true);
    for (const [target, tids] of encryptionTargets) {
      blocks.controlplane.push({
        controls: tids,
        title: `the encryption provider config (aescbc first) at ${target}, mode 0600; the same file on every controlplane node. After rke up, rewrite the secrets so they are stored encrypted: kubectl get secrets --all-namespaces -o json | kubectl replace -f -`,
        commands: installFile('encryption.yaml', target),
      });
    }
  }
  const admPath = changedApi('--admission-control-config-file');
  if (admPath !== undefined) {
    const ids = idsChanging('kube-apiserver', '--admission-control-config-file');
    const eventPath = eventConfigPathFor(admPath);
    addFile('admission.yaml', admissionConfig(eventPath), ids);
    addFile('event.yaml', EVENT_RATE_LIMIT, ids);
    blocks.controlplane.push({
      controls: ids,
      title: `the admission configuration (EventRateLimit) at ${admPath} and ${eventPath}, mode 0600`,
      commands: [
        ...installFile('admission.yaml', admPath),
        ...installFile('event.yaml', eventPath),
      ],
    });
  }
  const policyPath = changedApi('--audit-policy-file');
  if (policyPath !== undefined) {
    const ids = idsChanging('kube-apiserver', '--audit-policy-file');
    addFile('audit.yaml', AUDIT_POLICY, ids);
    blocks.controlplane.push({
      controls: ids,
      title: `the audit policy at ${policyPath}, mode 0600`,
      commands: installFile('audit.yaml', policyPath),
    });
  }
  const kubelet = states.get('kubelet');
  if (
    kubelet !== undefined &&
    kubelet.next.get('--protect-kernel-defaults') === 'true' &&
    kubelet.current.get('--protect-kernel-defaults') !== 'true'
  ) {
    blocks.all.push({
      controls: idsChanging('kubelet', '--protect-kernel-defaults'),
      title:
        'the kernel settings kubelet --protect-kernel-defaults=true requires (else kubelet refuses to start); RKE runs kubelet on every node',
      commands: [
        "cat > /etc/sysctl.d/90-kubelet.conf <<'EOF'",
        ...KUBELET_SYSCTLS.map(([k, v]) => `${k}=${v}`),
        'EOF',
        'sysctl -p /etc/sysctl.d/90-kubelet.conf',
      ],
    });
  }

  // 4. Host and API controls.
  for (const f of failures) {
    const c = f.control;
    const check = c.check;
    const target: ScriptTarget = c.role === 'cluster' ? 'controlplane' : c.role;
    if (check.kind === 'file-mode') {
      const sym = chmodRemoving(check.max);
      const commands = check.paths.flatMap((p) =>
        check.target === 'entries'
          ? ifExists(p, [`find ${shellQuote(p)} -mindepth 1 -maxdepth 1 -exec chmod ${sym} {} +`])
          : ifExists(p, [`chmod ${sym} ${shellQuote(p)}`]),
      );
      blocks[target].push({
        controls: [c.id],
        title: `${c.title}: remove every permission bit outside ${check.max} (as chmod ${check.max}, but never adding one)`,
        commands,
      });
      outcome(
        f,
        'host',
        `host-${target}.sh: chmod ${sym} ${check.paths.join(' ')}${check.target === 'entries' ? ' (each entry)' : ''}`,
      );
    } else if (check.kind === 'file-owner') {
      const [user = 'root', group = 'root'] = check.owner.split(':');
      const commands: string[] = [];
      if (group !== 'root')
        commands.push(
          `getent group ${shellQuote(group)} >/dev/null || groupadd --system ${shellQuote(group)}`,
        );
      if (user !== 'root') {
        commands.push(
          `getent passwd ${shellQuote(user)} >/dev/null || useradd --system --no-create-home --shell /sbin/nologin --gid ${shellQuote(group)} ${shellQuote(user)}`,
        );
      }
      const owner = shellQuote(`${user}:${group}`);
      for (const p of check.paths) {
        commands.push(
          ...(check.target === 'entries'
            ? ifExists(p, [
                `find ${shellQuote(p)} -mindepth 1 -maxdepth 1 -exec chown ${owner} {} +`,
              ])
            : ifExists(p, [`chown ${owner} ${shellQuote(p)}`])),
        );
      }
      const note =
        user === 'etcd' ? ' (RKE v0.1.x still runs etcd as root, which keeps access)' : '';
      blocks[target].push({ controls: [c.id], title: `${c.title}${note}`, commands });
      outcome(
        f,
        'host',
        `host-${target}.sh: chown ${user}:${group} ${check.paths.join(' ')}${check.target === 'entries' ? ' (each entry)' : ''}`,
      );
    } else if (check.kind === 'k8s-object') {
      if (check.resource === 'podsecuritypolicies' && check.name === 'restricted') {
        addFile('restricted-psp.yaml', RESTRICTED_PSP, [c.id]);
        outcome(
          f,
          'manifest',
          'restricted-psp.yaml: after rke up, kubectl apply -f restricted-psp.yaml (needs pod_security_policy: true)',
        );
      } else {
        outcome(
          f,
          'manual',
          `create ${check.resource}/${check.name} as the remediation says`,
          mitigationText(c, 'rkecis has no manifest for this object.'),
        );
      }
    } else if (check.kind === 'file-content') {
      if (!outcomes.has(c.id))
        outcome(
          f,
          'manual',
          `edit ${check.path} as the remediation says`,
          mitigationText(c, 'rkecis has no generated file for it.'),
        );
    } else if (check.kind === 'fixed') {
      outcome(f, 'manual', 'to be judged by a person', mitigationText(c, check.reason));
    }
  }

  // 5. Check the edits: plan the edited cluster and evaluate the controls they are meant to fix.
  const edited = clusterYmlSchema.safeParse(applyToData(baseData, edits), PLAIN);
  if (!edited.success) {
    warnings.push(
      `the edited cluster.yml does not validate: ${edited.error.issues[0] !== undefined ? describeIssue(edited.error.issues[0]) : ''}`,
    );
  } else {
    const reports = planCluster(edited.data).map((n) =>
      evaluate(profile, planEvidence(n, 'the edited cluster.yml')),
    );
    for (const fc of flagControls) {
      const still = reports.filter(
        (r) => r.results.find((x) => x.id === fc.failure.control.id)?.status === 'fail',
      );
      if (still.length > 0) {
        const why = `A plan of the edited cluster.yml still fails it on ${still.map((r) => r.node.name).join(', ')}.`;
        outcome(
          fc.failure,
          'manual',
          `no automatic fix: ${why}`,
          mitigationText(fc.failure.control, why),
        );
        warnings.push(`${fc.failure.control.id}: ${why}`);
      }
    }
  }
  for (const fc of flagControls) {
    const o = outcomes.get(fc.failure.control.id);
    if (o?.how !== 'cluster.yml') continue;
    const svc = serviceOf(fc.component) ?? '';
    const changes = [...fc.changed].map(([k, v]) => describeChange(svc, k, v.before, v.after));
    o.summary =
      changes.length > 0
        ? changes.join('; ')
        : `already satisfied by another change to services.${svc}.extra_args`;
    const extra: string[] = [];
    if (fc.changed.has('--enable-admission-plugins') && pspAdded)
      extra.push('services.kube-api.pod_security_policy: true');
    if (fc.changed.has('--audit-log-path') && auditPath !== undefined)
      extra.push('extra_binds for the audit log');
    for (const [name, ids] of fileFor) if (ids.includes(fc.failure.control.id)) extra.push(name);
    if (extra.length > 0) o.summary += `; with ${extra.join(', ')}`;
  }

  // 6. The text: the edited cluster.yml or a fragment; the scripts; the README.
  const result: Remediation = {
    outcomes: [...outcomes.values()],
    edits,
    files: [],
    warnings,
    unjudged,
  };
  if (input.cluster !== undefined && edits.length > 0) {
    const out = editYaml(input.cluster.text, edits);
    if (!out.exact)
      warnings.push(
        `${input.cluster.file}: its layout could not be kept byte for byte; the yaml library rewrote it (comments and key order kept)`,
      );
    result.clusterYml = out;
  } else if (input.cluster === undefined && edits.length > 0) {
    result.fragment = fragmentText(edits, input);
  }
  const roles = nodesByRole(input);
  for (const target of ['all', 'controlplane', 'etcd', 'worker'] as const) {
    if (blocks[target].length === 0) continue;
    addFile(
      `host-${target}.sh`,
      hostScript(target, blocks[target], {
        source: input.source,
        nodes: roles[target],
        version: input.version,
      }),
      [],
    );
  }
  if (result.fragment !== undefined) addFile('cluster-yml-changes.yml', result.fragment, []);
  result.files = [...files.values()];
  result.files.push({ name: 'README.md', content: readme(result, input) });
  return result;
}

/** Without a cluster.yml: the services keys to merge into it, one comment per change. */
function fragmentText(edits: readonly YamlEdit[], input: RemediateInput): string {
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

function readme(r: Remediation, input: RemediateInput): string {
  const has = (name: string): boolean => r.files.some((f) => f.name === name);
  const lines: string[] = [
    '# rkecis remediation',
    '',
    `Generated by rkecis ${input.version} from ${code(input.source)} (profile ${mdInline(input.profile.meta.name)}). Review every file before using it.`,
    '',
    '## Steps',
    '',
  ];
  let n = 1;
  const step = (s: string): void => {
    lines.push(`${n}. ${s}`);
    n++;
  };
  const out = input.clusterOut !== undefined ? code(input.clusterOut) : 'the new cluster.yml';
  if (r.clusterYml !== undefined)
    step(
      `Review ${out} (diff it against ${input.cluster !== undefined ? code(input.cluster.file) : 'the original'}: only the changed keys differ).`,
    );
  if (r.fragment !== undefined) step('Merge `cluster-yml-changes.yml` into the cluster.yml.');
  if (has('host-all.sh')) step('Before `rke up`, on every node: `sh host-all.sh` (as root).');
  if (has('host-controlplane.sh')) {
    step(
      'Before `rke up`, copy this folder to every controlplane node and run `sh host-controlplane.sh` there (as root): kube-apiserver does not start without the files it installs.',
    );
  }
  if (r.clusterYml !== undefined)
    step(
      `Run ${input.clusterOut !== undefined ? code(`rke up --config ${input.clusterOut}`) : '`rke up` with the new cluster.yml'}.`,
    );
  if (r.fragment !== undefined) step('Run `rke up --config cluster.yml`.');
  if (has('host-etcd.sh'))
    step('On every etcd node: `sh host-etcd.sh` (as root; after `rke up` created /var/lib/etcd).');
  if (has('host-worker.sh')) step('On every worker node: `sh host-worker.sh` (as root).');
  if (has('restricted-psp.yaml')) step('After `rke up`: `kubectl apply -f restricted-psp.yaml`.');
  step('Check the nodes with `rkecis scan` (and `rkecis plan` on the new cluster.yml).');
  if (has('encryption.yaml')) {
    lines.push(
      '',
      '`encryption.yaml` holds a freshly generated encryption key: keep it secret, use the same file on every controlplane node, and delete this copy once it is installed and backed up safely.',
    );
  }
  const table = r.outcomes.filter((o) => o.how !== 'mitigation' && o.how !== 'manual');
  if (table.length > 0) {
    lines.push('', '## Fixed', '', '| control | nodes | fix |', '|---|---|---|');
    for (const o of table) {
      lines.push(
        `| ${mdCell(`${o.id}${o.deployment ? ' (deployment)' : ''} ${o.title}`)} | ${mdCell(o.nodes.join(', '))} | ${mdCell(o.summary)} |`,
      );
    }
  }
  const manual = r.outcomes.filter((o) => o.how === 'mitigation' || o.how === 'manual');
  if (manual.length > 0) {
    lines.push('', '## No automatic fix', '');
    for (const o of manual) {
      lines.push(
        `### ${mdInline(`${o.id} ${o.title}`)}`,
        '',
        `Nodes: ${mdInline(o.nodes.join(', '))}`,
        '',
        mdBlocks(o.details ?? o.summary),
        '',
      );
    }
  }
  if (r.unjudged.length > 0) {
    lines.push('', '## Not judged (status error: collect the evidence again)', '');
    for (const u of r.unjudged)
      lines.push(`- ${mdInline(`${u.id} ${u.title} on ${u.nodes.join(', ')}: ${u.reason}`)}`);
  }
  if (r.warnings.length > 0) {
    lines.push('', '## Warnings', '', ...r.warnings.map((w) => `- ${mdInline(w)}`));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
