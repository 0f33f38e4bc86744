import { addFile, outcome, type Draft } from './draft.js';
import { changedFlag, idsChanging, type FlagFixes } from './flag-edits.js';
import {
  admissionConfig,
  AUDIT_POLICY,
  encryptionConfig,
  EVENT_RATE_LIMIT,
  eventConfigPathFor,
  KUBELET_SYSCTLS,
} from './hardening-files.js';
import { installFile } from './host-script.js';
import type { Failure } from './types.js';

/**
 * Files the new flags point at, and the encryption config the file-content controls ask for,
 * installed on the controlplane nodes before `rke up`; the kernel settings kubelet then needs.
 */
export function addSupportFiles(
  draft: Draft,
  fixes: FlagFixes,
  failures: readonly Failure[],
): void {
  const { blocks } = draft;
  const encryptionTargets = new Map<string, string[]>();
  const encPath = changedFlag(fixes, 'kube-apiserver', '--experimental-encryption-provider-config');
  if (encPath !== undefined)
    encryptionTargets.set(
      encPath,
      idsChanging(fixes, 'kube-apiserver', '--experimental-encryption-provider-config'),
    );
  for (const f of failures) {
    const intent = f.intent;
    if (
      intent.to === 'file-content' &&
      /encryption/i.test(intent.path) &&
      /providers/.test(intent.select)
    ) {
      encryptionTargets.set(intent.path, [
        ...(encryptionTargets.get(intent.path) ?? []),
        f.control.id,
      ]);
      outcome(
        draft,
        f,
        'file',
        `encryption.yaml (aescbc first, a fresh 32-byte key), installed as ${intent.path} by host-controlplane.sh`,
      );
    }
  }
  if (encryptionTargets.size > 0) {
    const ids = [...new Set([...encryptionTargets.values()].flat())];
    addFile(draft, 'encryption.yaml', encryptionConfig(draft.input.encryptionKey), ids, true);
    for (const [target, tids] of encryptionTargets) {
      blocks.controlplane.push({
        controls: tids,
        title: `the encryption provider config (aescbc first) at ${target}, mode 0600; the same file on every controlplane node. After rke up, rewrite the secrets so they are stored encrypted: kubectl get secrets --all-namespaces -o json | kubectl replace -f -`,
        commands: installFile('encryption.yaml', target),
      });
    }
  }
  const admPath = changedFlag(fixes, 'kube-apiserver', '--admission-control-config-file');
  if (admPath !== undefined) {
    const ids = idsChanging(fixes, 'kube-apiserver', '--admission-control-config-file');
    const eventPath = eventConfigPathFor(admPath);
    addFile(draft, 'admission.yaml', admissionConfig(eventPath), ids);
    addFile(draft, 'event.yaml', EVENT_RATE_LIMIT, ids);
    blocks.controlplane.push({
      controls: ids,
      title: `the admission configuration (EventRateLimit) at ${admPath} and ${eventPath}, mode 0600`,
      commands: [
        ...installFile('admission.yaml', admPath),
        ...installFile('event.yaml', eventPath),
      ],
    });
  }
  const policyPath = changedFlag(fixes, 'kube-apiserver', '--audit-policy-file');
  if (policyPath !== undefined) {
    const ids = idsChanging(fixes, 'kube-apiserver', '--audit-policy-file');
    addFile(draft, 'audit.yaml', AUDIT_POLICY, ids);
    blocks.controlplane.push({
      controls: ids,
      title: `the audit policy at ${policyPath}, mode 0600`,
      commands: installFile('audit.yaml', policyPath),
    });
  }
  const kubelet = fixes.states.get('kubelet');
  if (
    kubelet !== undefined &&
    kubelet.next.get('--protect-kernel-defaults') === 'true' &&
    kubelet.current.get('--protect-kernel-defaults') !== 'true'
  ) {
    blocks.all.push({
      controls: idsChanging(fixes, 'kubelet', '--protect-kernel-defaults'),
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
}
