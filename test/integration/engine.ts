import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

/** Set RKECIS_SKIP_DOCKER=1 to skip the tests that need a real engine; nothing else skips them. */
export const SKIP_DOCKER = process.env.RKECIS_SKIP_DOCKER === '1';

export interface Engine {
  /** unix:///.../docker.sock */
  host: string;
  stop(): Promise<void>;
}

/** Where start-dockerd.sh puts its engine when given no folder. */
const DEFAULT_ENGINE = 'unix:///tmp/rkecis-docker/docker.sock';

async function answers(host: string): Promise<boolean> {
  if (!existsSync(host.slice('unix://'.length))) return false;
  return docker(host, ['version']).then(
    () => true,
    () => false,
  );
}

/**
 * The Docker engine the integration tests plant RKE containers in: RKECIS_TEST_DOCKER_HOST
 * (.ci/run starts one), else start-dockerd.sh's default engine if it runs, else a private
 * dockerd started here and stopped afterwards. Without any, the tests fail with the message
 * below rather than pass by skipping.
 */
export async function useEngine(): Promise<Engine> {
  const given = process.env.RKECIS_TEST_DOCKER_HOST;
  if (given !== undefined && given !== '') return { host: given, stop: () => Promise.resolve() };
  // The engine start-dockerd.sh starts by default (a setup step run before `npm test`), if it answers.
  if (await answers(DEFAULT_ENGINE)) return { host: DEFAULT_ENGINE, stop: () => Promise.resolve() };
  const dockerd = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));
  if (process.getuid?.() !== 0 || dockerd === undefined) {
    throw new Error(
      'the integration tests need a Docker engine: set RKECIS_TEST_DOCKER_HOST=unix:///path/docker.sock, ' +
        'or run them as root with dockerd installed (apt-get install docker.io), ' +
        'or set RKECIS_SKIP_DOCKER=1 to skip them on purpose',
    );
  }
  // Short path: a unix socket path must fit in 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-dockerd-'));
  const { stdout } = await run('bash', [here('./start-dockerd.sh'), dir]);
  const host = /RKECIS_TEST_DOCKER_HOST=(\S+)/.exec(stdout)?.[1];
  if (host === undefined) throw new Error(`start-dockerd.sh printed no host: ${stdout}`);
  return {
    host,
    stop: async () => {
      await run('bash', [here('./stop-dockerd.sh'), dir]);
    },
  };
}

/** The docker CLI against the test engine. */
export async function docker(host: string, args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, {
    env: { ...process.env, DOCKER_HOST: host },
    maxBuffer: 16 << 20,
  });
  return stdout;
}

/**
 * RKE's container names are fixed, so test files that plant them on a shared engine take turns:
 * the lock is a container of this name (creating it fails while another file holds it).
 */
export const RKE_NAMES_LOCK = 'rkecis-test-lock-rke-container-names';

/** Waits for the lock and returns its release. `image` is any image the engine has. */
export async function lockRkeNames(
  host: string,
  image: string,
  waitMs = 300_000,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await docker(host, ['create', '--name', RKE_NAMES_LOCK, '--network', 'none', image, 'lock']);
      return async () => {
        await docker(host, ['rm', '-f', RKE_NAMES_LOCK]).catch(() => '');
      };
    } catch (e) {
      if (Date.now() > deadline) {
        throw new Error(
          `another test held ${RKE_NAMES_LOCK} for ${waitMs / 1000}s: ${(e as Error).message}`,
          { cause: e },
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
