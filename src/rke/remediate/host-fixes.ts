import type { FixIntent } from '../../engine/checks/kind.js';
import { planCluster } from '../plan.js';
import { addFile, mitigationText, outcome, type Draft } from './draft.js';
import { RESTRICTED_PSP } from './hardening-files.js';
import {
  chmodRemoving,
  hostScript,
  ifExists,
  shellQuote,
  type ScriptTarget,
} from './host-script.js';
import type { Failure } from './types.js';

/** Commands for each path, or for each entry of each directory. */
const onPaths = (
  paths: readonly string[],
  entries: boolean,
  find: (p: string) => string,
  self: (p: string) => string,
): string[] => paths.flatMap((p) => ifExists(p, [entries ? find(p) : self(p)]));

/** The controls a node or the Kubernetes API must fix: host commands, manifests, or a person. */
export function fixHosts(draft: Draft, failures: readonly Failure[]): void {
  for (const f of failures) {
    const c = f.control;
    const target: ScriptTarget = c.role === 'cluster' ? 'controlplane' : c.role;
    const intent: FixIntent = f.intent;
    switch (intent.to) {
      case 'flags':
        break; // fixed through cluster.yml (flag-edits.ts)
      case 'file-mode': {
        const sym = chmodRemoving(intent.max);
        draft.blocks[target].push({
          controls: [c.id],
          title: `${c.title}: remove every permission bit outside ${intent.max} (as chmod ${intent.max}, but never adding one)`,
          commands: onPaths(
            intent.paths,
            intent.entries,
            (p) => `find ${shellQuote(p)} -mindepth 1 -maxdepth 1 -exec chmod ${sym} {} +`,
            (p) => `chmod ${sym} ${shellQuote(p)}`,
          ),
        });
        outcome(
          draft,
          f,
          'host',
          `host-${target}.sh: chmod ${sym} ${intent.paths.join(' ')}${intent.entries ? ' (each entry)' : ''}`,
        );
        break;
      }
      case 'file-owner': {
        const { user, group } = intent;
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
        commands.push(
          ...onPaths(
            intent.paths,
            intent.entries,
            (p) => `find ${shellQuote(p)} -mindepth 1 -maxdepth 1 -exec chown ${owner} {} +`,
            (p) => `chown ${owner} ${shellQuote(p)}`,
          ),
        );
        const note =
          user === 'etcd' ? ' (RKE v0.1.x still runs etcd as root, which keeps access)' : '';
        draft.blocks[target].push({ controls: [c.id], title: `${c.title}${note}`, commands });
        outcome(
          draft,
          f,
          'host',
          `host-${target}.sh: chown ${user}:${group} ${intent.paths.join(' ')}${intent.entries ? ' (each entry)' : ''}`,
        );
        break;
      }
      case 'k8s-object':
        if (intent.resource === 'podsecuritypolicies' && intent.name === 'restricted') {
          addFile(draft, 'restricted-psp.yaml', RESTRICTED_PSP, [c.id]);
          outcome(
            draft,
            f,
            'manifest',
            'restricted-psp.yaml: after rke up, kubectl apply -f restricted-psp.yaml (needs pod_security_policy: true)',
          );
        } else {
          outcome(
            draft,
            f,
            'manual',
            `create ${intent.resource}/${intent.name} as the remediation says`,
            mitigationText(c, 'rkecis has no manifest for this object.'),
          );
        }
        break;
      case 'file-content':
        // The encryption config is written with the support files; any other file is a person's.
        if (!draft.outcomes.has(c.id))
          outcome(
            draft,
            f,
            'manual',
            `edit ${intent.path} as the remediation says`,
            mitigationText(c, 'rkecis has no generated file for it.'),
          );
        break;
      case 'person':
        outcome(draft, f, 'manual', 'to be judged by a person', mitigationText(c, intent.reason));
        break;
    }
  }
}

/** Nodes of the cluster by role, for the scripts' headers. */
function nodesByRole(draft: Draft): Record<ScriptTarget, string[]> {
  const { input } = draft;
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

/** The host scripts, one per role that has commands to run. */
export function writeHostScripts(draft: Draft): void {
  const roles = nodesByRole(draft);
  for (const target of ['all', 'controlplane', 'etcd', 'worker'] as const) {
    if (draft.blocks[target].length === 0) continue;
    addFile(
      draft,
      `host-${target}.sh`,
      hostScript(target, draft.blocks[target], {
        source: draft.input.source,
        nodes: roles[target],
        version: draft.input.version,
      }),
      [],
    );
  }
}
