import { Option, type Command } from 'commander';
import { CHOICE_TABLE, rowText } from '../profiles/choice.js';
import { listProfiles, openProfile } from '../profiles/open.js';
import type { Profile } from '../profiles/schema.js';
import { oneLine } from '../text/visible.js';

/** One built-in profile as `rkecis profiles` lists it. */
export interface ProfileListing {
  name: string;
  cis: string;
  /** The Kubernetes minors automatic choice gives it, or `--profile only`. */
  chosenFor: string;
  controls: number;
  scored: number;
  /** Its guides, each with its Rancher and Kubernetes versions. */
  guides: string;
}

export function listing(p: Profile): ProfileListing {
  const m = p.meta;
  const rows = CHOICE_TABLE.filter((r) => r.profile === m.name);
  const guides =
    m.guides !== undefined
      ? m.guides.map((g) => `${g.id} (Rancher ${g.rancher}, Kubernetes ${g.kubernetes})`).join(', ')
      : `${m.title}${m.rancher !== undefined ? ` (Rancher ${m.rancher}` : ' ('}${m.rancher !== undefined ? ', ' : ''}Kubernetes ${m.kubernetes})`;
  return {
    name: m.name,
    cis: m.benchmark.version,
    chosenFor:
      rows.length > 0
        ? rows.map((r) => (r.min === r.max ? `1.${r.min}` : `1.${r.min}–1.${r.max}`)).join(', ')
        : '--profile only',
    controls: p.controls.length,
    scored: p.controls.filter((c) => c.scored).length,
    guides,
  };
}

/** Columns padded to their widths; the last one as long as it is. */
function table(rows: readonly string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 2)))
      .join('')
      .trimEnd(),
  );
}

export function register(program: Command, done: (code: number) => void): void {
  program
    .command('profiles')
    .description(
      'list the built-in benchmark profiles: guides, CIS version, the Kubernetes versions each is chosen for, control counts',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .action(async (opts: { format: string }) => {
      const names = listProfiles();
      const profiles = await Promise.all(names.map((n) => openProfile(n)));
      // In the order of the Kubernetes versions they serve (CIS 1.7 came after CIS 1.24).
      const minor = (p: Profile): number =>
        Number(
          (p.meta.kubernetesRange?.min ?? /1\.\d+/.exec(p.meta.kubernetes)?.[0])?.split('.')[1] ??
            Number.MAX_SAFE_INTEGER,
        );
      const all = profiles
        .map((p, i) => ({ p, i }))
        .sort((a, b) => minor(a.p) - minor(b.p) || a.i - b.i)
        .map(({ p }) => listing(p));
      if (opts.format === 'json') {
        const out = {
          profiles: all,
          choice: CHOICE_TABLE.map((r) => ({
            kubernetes: { min: `1.${r.min}`, max: `1.${r.max}` },
            profile: r.profile,
            builtIn: names.includes(r.profile),
            guides: r.guides,
            why: r.why,
          })),
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        done(0);
        return;
      }
      const lines = table([
        ['PROFILE', 'CIS', 'CHOSEN FOR KUBERNETES', 'CONTROLS', 'SCORED', 'GUIDES'],
        ...all.map((l) => [
          l.name,
          l.cis,
          l.chosenFor,
          String(l.controls),
          String(l.scored),
          l.guides,
        ]),
      ]);
      lines.push(
        '',
        'Without --profile, the Kubernetes version the node shows (the API server, else the component images) picks the profile:',
        ...CHOICE_TABLE.map(
          (r) =>
            `  ${rowText(r)} (${r.guides}): ${r.why}${names.includes(r.profile) ? '' : ' (not in this build: name another with --profile)'}`,
        ),
        '  any other version: no profile (exit 2); name one with --profile',
      );
      process.stdout.write(`${lines.map(oneLine).join('\n')}\n`);
      done(0);
    });
}
