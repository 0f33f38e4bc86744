import { addFile, startDraft, type Draft } from './draft.js';
import { collectFailures } from './failures.js';
import { editCluster, fixFlags, fragmentText } from './flag-edits.js';
import { fixHosts, writeHostScripts } from './host-fixes.js';
import { readme } from './readme.js';
import { addSupportFiles } from './support-files.js';
import type { Remediation, RemediateInput } from './types.js';
import { describeFlagFixes, verifyEdits } from './verification.js';
import { editYaml } from './yaml-edit.js';

export type {
  ControlOutcome,
  FixKind,
  GeneratedFile,
  Remediation,
  RemediateInput,
} from './types.js';
export { reportFlags } from './current-flags.js';

/**
 * Works out every fix. Pure: no I/O, no clock; the key comes in. Each failed control is fixed
 * as its check kind's `fix` says, mapped onto RKE: container flags through cluster.yml, the
 * files those flags name, host commands, manifests, or a person's work.
 */
export function buildRemediation(input: RemediateInput): Remediation {
  const { profile } = input;
  const { failures, unjudged, unknown, withoutData } = collectFailures(profile, input.reports);
  const warnings: string[] = [];
  if (unknown.length > 0)
    warnings.push(
      `controls not in profile ${profile.meta.name} were skipped: ${unknown.join(', ')}`,
    );
  if (withoutData > 0)
    warnings.push(
      `${withoutData} failed or erred results carry no "found" data (a report of an older rkecis): the flag values and missing files they found are not known to this remediation; make the report again for exact fixes`,
    );
  const draft = startDraft(input, warnings);
  const flags = fixFlags(draft, failures);
  editCluster(draft, flags);
  addSupportFiles(draft, flags, failures);
  fixHosts(draft, failures);
  verifyEdits(draft, flags);
  describeFlagFixes(draft, flags);
  return finish(draft, unjudged);
}

/** The texts: the edited cluster.yml or a fragment, the host scripts, the README. */
function finish(draft: Draft, unjudged: Remediation['unjudged']): Remediation {
  const { input, edits, warnings } = draft;
  const result: Remediation = {
    outcomes: [...draft.outcomes.values()],
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
  writeHostScripts(draft);
  if (result.fragment !== undefined) addFile(draft, 'cluster-yml-changes.yml', result.fragment, []);
  result.files = [...draft.files.values()];
  result.files.push({ name: 'README.md', content: readme(result, input) });
  return result;
}
