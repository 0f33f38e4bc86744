import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { evidenceRequirements } from '../../src/engine/requirements.js';
import { parseEvidence, readEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { listProfiles, loadProfile } from '../../src/profiles/load.js';
import type { NodeReport } from '../../src/report/types.js';
import { BIN, type CliRun } from '../helpers/run-cli.js';
import { runCliAsync as cli } from '../helpers/run-cli-async.js';
import { TOKEN } from '../fakes/kube.js';
import { docker, lockRkeNames, SKIP_DOCKER, useEngine, type Engine } from './engine.js';
import { guideVerdicts, runnable } from './guide-audit.js';
import { SERVER_PAGE } from './plant-api.js';
import {
  ENCRYPTION_SECRET,
  ENV_SECRET,
  importImages,
  plantApiServer,
  plantContainers,
  plantRoot,
  removeContainers,
} from './plant-node.js';
import { GUIDE_DIFFERS } from './later-guide-differs.js';

/** Every built-in profile made from Rancher's later guides (its meta names them), with its example. */
const PROFILES = listProfiles()
  .map((name) => loadProfile(name))
  .filter((p) => p.meta.guides !== undefined)
  .map((profile) => ({ profile, example: `examples/${profile.meta.name}/hardened-node.json` }));

/** The profiles whose guide audits with docker inspect (CIS 1.4): their commands can run here. */
const byDockerInspect = PROFILES.filter(({ profile }) =>
  profile.controls.some((c) => c.audit.some((a) => runnable(a) && a.command.startsWith('docker'))),
);

/**
 * This run's own image name (the examples' image names are tags of it), removed at the end: per
 * process, so a run elsewhere on the shared engine never loses the image it is tagging.
 */
const IMAGE = `rkecis-live-later/sleeper:${String(process.pid)}`;

const differencesSeen = new Set<string>();

describe.skipIf(SKIP_DOCKER)("later profiles' hardened examples as live nodes", () => {
  let engine: Engine | undefined;
  let unlock: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (!existsSync(join(BIN, '../../dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    engine = await useEngine();
    const images = PROFILES.flatMap(({ example }) =>
      Object.values(readEvidence(example).containers).flatMap((c) =>
        c.status === 'present' ? [c.image] : [],
      ),
    );
    await importImages(engine.host, [IMAGE, ...new Set(images)]);
    unlock = await lockRkeNames(engine.host, images[0] as string);
  }, 400_000);
  afterAll(async () => {
    await unlock?.();
    if (engine !== undefined) await docker(engine.host, ['rmi', IMAGE]).catch(() => '');
    await engine?.stop();
    // Every listed difference must still occur, so the table cannot rot.
    if (!SKIP_DOCKER) {
      const listed = Object.entries(GUIDE_DIFFERS).flatMap(([p, ids]) =>
        Object.keys(ids).map((id) => `${p} ${id}`),
      );
      expect(listed.filter((d) => !differencesSeen.has(d))).toEqual([]);
    }
  }, 120_000);

  it('covers the CIS 1.4 and 1.5 profiles, the 1.4 ones with their guides’ commands', () => {
    const names = PROFILES.map(({ profile }) => profile.meta.name);
    const cis14 = ['rke-cis-1.4.0', 'rke-cis-1.4.1', 'rke-cis-1.4.1-v2.3'];
    expect(names).toEqual(expect.arrayContaining([...cis14, 'rke-cis-1.5']));
    expect(byDockerInspect.map(({ profile }) => profile.meta.name)).toEqual(
      expect.arrayContaining(cis14),
    );
    expect(byDockerInspect.map(({ profile }) => profile.meta.name)).not.toContain('rke-cis-1.5');
  });

  for (const { profile, example: file } of PROFILES) {
    const name = profile.meta.name;
    describe(`${name}: ${file}`, () => {
      const example = readEvidence(file);
      let root = '';
      let api: Awaited<ReturnType<typeof plantApiServer>> | undefined;
      let runs: { bundle: CliRun; json: CliRun; text: CliRun };

      beforeAll(async () => {
        const host = (engine as Engine).host;
        await removeContainers(host, example).catch(() => undefined);
        await plantContainers(host, example);
        root = plantRoot(example);
        api = await plantApiServer(example);
        const options = ['--profile', name, '--root', root, '--docker-host', host];
        options.push('--kubeconfig', api.kubeconfig);
        const [bundle, json, text] = await Promise.all([
          cli(['collect', ...options]),
          cli(['scan', ...options, '--format', 'json']),
          cli(['scan', ...options, '--format', 'text', '--verbose']),
        ]);
        runs = { bundle, json, text };
      }, 180_000);
      afterAll(async () => {
        if (engine !== undefined) await removeContainers(engine.host, example);
        await api?.close();
        if (root !== '') rmSync(root, { recursive: true, force: true });
      }, 60_000);

      it('collects the containers and Kubernetes objects the example shows, lists page by page', () => {
        expect(runs.bundle.stderr).toBe('');
        expect(runs.bundle.code).toBe(0);
        const got = parseEvidence(JSON.parse(runs.bundle.stdout), 'bundle');
        // Mounts and variables only where the profile reads them: an example may show more.
        const view = (e: Evidence, names: string[]) =>
          names.map((n) => {
            const c = e.containers[n];
            const read = got.containers[n];
            if (c?.status !== 'present' || read?.status !== 'present') return c;
            const mounts = read.mounts && c.mounts?.map((m) => JSON.stringify(m)).sort();
            const env = read.env && Object.keys(read.env).map((k) => [k, c.env?.[k]]);
            return { ...c, id: undefined, state: undefined, mounts, env };
          });
        const names = Object.keys(got.containers);
        expect(view(got, names)).toEqual(view(example, names));
        // Every file read is as the example shows it (folders with their entries; the planted
        // encryption key read back redacted, as the example has it).
        const files = (e: Evidence) =>
          Object.keys(got.files).map((p) => {
            const f = e.files[p];
            return f?.status === 'present' && f.content !== undefined
              ? { ...f, content: parse(f.content) as unknown }
              : f;
          });
        expect(Object.keys(got.files)).not.toHaveLength(0);
        expect(files(got)).toEqual(files(example));
        // The API is asked only for what the profile lists; then for each of it, as the example.
        const resources = evidenceRequirements(profile).kubernetes;
        if (resources.length > 0) expect(got.kubernetes?.version).toBe(example.kubernetes?.version);
        for (const r of resources)
          expect(got.kubernetes?.resources[r], r).toEqual(example.kubernetes?.resources[r]);
        // A list longer than the server's page was read over several pages.
        const long = resources.filter((r) => {
          const res = example.kubernetes?.resources[r];
          return res?.status === 'ok' && Object.keys(res.items).length > SERVER_PAGE;
        });
        for (const r of long)
          expect(
            api?.seen.some((s) => s.path.endsWith(`/${r}`) && s.url.includes('continue=')),
            r,
          ).toBe(true);
      });

      it('gives every control the verdict evaluate gives on the example, with its exit code', () => {
        expect(runs.json.stderr).toBe('');
        const want = evaluate(profile, example);
        const got = JSON.parse(runs.json.stdout) as NodeReport;
        const view = (r: NodeReport) =>
          r.results.map(({ id, status, actual }) => ({ id, status, actual }));
        expect(view(got)).toEqual(view(want));
        expect(got.results).toHaveLength(profile.controls.length);
        expect(got.summary).toEqual(want.summary);
        expect(runs.json.code).toBe(
          want.summary.scored.fail + want.summary.scored.error > 0 ? 1 : 0,
        );
        expect(runs.text.code).toBe(runs.json.code);
        expect(runs.text.stdout).toContain(name);
      });

      it('lets no secret out: not the container Env, the encryption key or the kubeconfig token', () => {
        for (const run of Object.values(runs))
          for (const text of [run.stdout, run.stderr])
            for (const secret of [
              ENV_SECRET,
              ENCRYPTION_SECRET,
              ENCRYPTION_SECRET.slice(0, 16),
              TOKEN,
            ])
              expect(text).not.toContain(secret);
      });

      // Only the CIS 1.4 guides audit with commands that run here (CIS 1.5 reads ps and kubectl).
      if (byDockerInspect.some((p) => p.profile === profile))
        it("agrees with the guide's own audit commands on every control they decide", async () => {
          const report = JSON.parse(runs.json.stdout) as NodeReport;
          const ours = new Map(report.results.map((r) => [r.id, r.status]));
          const verdicts = await guideVerdicts(profile, ours, (engine as Engine).host, root);
          const differs = GUIDE_DIFFERS[name] ?? {};
          const disagreements = verdicts.filter((v) => {
            if (v.ours === v.guide) return false;
            const known = differs[v.id];
            if (known?.guide !== v.guide || known.ours !== v.ours) return true;
            differencesSeen.add(`${name} ${v.id}`);
            return false;
          });
          expect(disagreements).toEqual([]);
          expect(verdicts.length).toBeGreaterThan(60);
        }, 300_000);
    });
  }
});
