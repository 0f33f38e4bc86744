import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.js';
import { parseEvidence, readEvidence } from '../../src/evidence/read.js';
import type { Evidence } from '../../src/evidence/schema.js';
import { DEFAULT_PROFILE, loadProfile } from '../../src/profiles/load.js';
import type { NodeReport } from '../../src/report/types.js';
import { BIN, type CliRun } from '../helpers/run-cli.js';
import { runCliAsync as cli } from '../helpers/run-cli-async.js';
import { TOKEN } from '../fakes/kube.js';
import { lockRkeNames, SKIP_DOCKER, useEngine, type Engine } from './engine.js';
import { guideVerdicts } from './guide-audit.js';
import {
  ENCRYPTION_SECRET,
  ENV_SECRET,
  importImages,
  plantApiServer,
  plantContainers,
  plantRoot,
  removeContainers,
} from './plant-node.js';

const profile = loadProfile(DEFAULT_PROFILE);

/**
 * Where the guide's own command and rkecis legitimately disagree on a node, and why (the guide's
 * errata, named in the profile's `erratum`). Each entry must still occur, so the table cannot rot.
 */
const GUIDE_DIFFERS: Record<string, string> = {
  '2.1.8':
    "CIS 1.3.0 2.1.8 passes when --make-iptables-util-chains is not set (the kubelet's default is true); " +
    "the guide's jq command only finds an explicit --make-iptables-util-chains=true, so it fails a kubelet that leaves the default",
};

const NODES = [
  { name: 'hardened', example: 'examples/hardened-node.json' },
  { name: 'insecure', example: 'examples/insecure-node.json' },
] as const;

const differencesSeen = new Set<string>();

describe.skipIf(SKIP_DOCKER)('rkecis on a live RKE node (real Docker engine, real files)', () => {
  let engine: Engine | undefined;
  let unlock: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (!existsSync(join(BIN, '../../dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    engine = await useEngine();
    const images = [
      ...new Set(
        NODES.flatMap((n) =>
          Object.values(readEvidence(n.example).containers).flatMap((c) =>
            c.status === 'present' ? [c.image] : [],
          ),
        ),
      ),
    ];
    await importImages(engine.host, images);
    unlock = await lockRkeNames(engine.host, images[0] as string);
  }, 400_000);
  afterAll(async () => {
    await unlock?.();
    await engine?.stop();
    // Every listed difference must have been seen on some node.
    if (!SKIP_DOCKER)
      expect(Object.keys(GUIDE_DIFFERS).filter((id) => !differencesSeen.has(id))).toEqual([]);
  }, 120_000);

  for (const node of NODES) {
    describe(`the ${node.name} node (${node.example})`, () => {
      const example = readEvidence(node.example);
      let root = '';
      let api: Awaited<ReturnType<typeof plantApiServer>> | undefined;
      let options: string[] = [];
      let bundle: CliRun;
      let scanJson: CliRun;
      let scanText: CliRun;

      beforeAll(async () => {
        const host = (engine as Engine).host;
        await removeContainers(host, example).catch(() => undefined);
        await plantContainers(host, example);
        root = plantRoot(example);
        api = await plantApiServer(example);
        options = ['--docker-host', host, '--root', root, '--kubeconfig', api.kubeconfig];
        [bundle, scanJson, scanText] = await Promise.all([
          cli(['collect', ...options]),
          cli(['scan', ...options, '--format', 'json']),
          cli(['scan', ...options, '--format', 'text', '--verbose']),
        ]);
      }, 120_000);
      afterAll(async () => {
        if (engine !== undefined) await removeContainers(engine.host, example);
        await api?.close();
        if (root !== '') rmSync(root, { recursive: true, force: true });
      }, 60_000);

      it('collects the evidence the example shows', () => {
        expect(bundle.stderr).toBe('');
        expect(bundle.code).toBe(0);
        const got = parseEvidence(JSON.parse(bundle.stdout), 'bundle');
        expect(got.node.name).toBe(example.node.name);
        expect(got.roles).toMatchObject({
          detected: ['controlplane', 'etcd', 'worker'],
          source: 'containers',
        });
        expect(got.collector).toMatchObject({ name: 'rkecis', root, dockerHost: options[1] });
        // Only the containers the profile names (and the role markers) are inspected: not kube-proxy.
        const inspected = Object.keys(got.containers);
        expect(inspected).toEqual([
          'etcd',
          'kube-apiserver',
          'kube-controller-manager',
          'kube-scheduler',
          'kubelet',
        ]);
        const same = (e: Evidence): Evidence['containers'] =>
          Object.fromEntries(
            inspected.map((n) => [n, { ...e.containers[n], id: undefined }]),
          ) as Evidence['containers'];
        expect(same(got)).toEqual(same(example));
        const yamlOf = (e: Evidence): Evidence['files'] =>
          Object.fromEntries(
            Object.entries(e.files).map(([p, f]) => [
              p,
              f.status === 'present' && f.content !== undefined
                ? { ...f, content: parse(f.content) as string }
                : f,
            ]),
          );
        expect(yamlOf(got)).toEqual(yamlOf(example));
        expect(got.kubernetes).toEqual(example.kubernetes);
      });

      it('gives the verdicts that evaluating the example gives, with the same exit code', () => {
        expect(scanJson.stderr).toBe('');
        const want = evaluate(profile, example);
        const got = JSON.parse(scanJson.stdout) as NodeReport;
        const view = (r: NodeReport) =>
          r.results.map(({ id, status, actual }) => ({ id, status, actual }));
        expect(view(got)).toEqual(view(want));
        expect(got.summary).toEqual(want.summary);
        expect(scanJson.code).toBe(
          want.summary.scored.fail + want.summary.scored.error > 0 ? 1 : 0,
        );
        expect(scanText.code).toBe(scanJson.code);
        expect(scanText.stdout).toContain(example.node.name);
      });

      it('lets no secret out: not the container Env, the encryption key or the kubeconfig token', () => {
        for (const out of [bundle, scanJson, scanText]) {
          for (const text of [out.stdout, out.stderr]) {
            expect(text).not.toContain(ENV_SECRET);
            expect(text).not.toContain(ENCRYPTION_SECRET);
            expect(text).not.toContain(ENCRYPTION_SECRET.slice(0, 16));
            expect(text).not.toContain(TOKEN);
          }
        }
        expect(bundle.stdout).toContain('<redacted>');
      });

      it("agrees with the guide's own audit commands, run against the same node", async () => {
        const report = JSON.parse(scanJson.stdout) as NodeReport;
        const status = new Map(report.results.map((r) => [r.id, r.status]));
        const verdicts = await guideVerdicts(profile, status, (engine as Engine).host, root);
        const disagreements: string[] = [];
        for (const v of verdicts) {
          if (v.ours === v.guide) continue;
          if (GUIDE_DIFFERS[v.id] !== undefined) {
            differencesSeen.add(v.id);
            continue;
          }
          disagreements.push(
            `${v.id}: guide ${v.guide} (${v.output}), rkecis ${v.ours ?? 'missing'}`,
          );
        }
        expect(disagreements).toEqual([]);
        expect(verdicts.length).toBeGreaterThan(60);
      }, 120_000);
    });
  }
});
