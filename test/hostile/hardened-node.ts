import { readEvidence } from '../../src/evidence/read.js';
import { dockerPing, json, type Route } from '../fakes/docker.js';

/** The guide's hardened node (examples/hardened-node.json): the baseline every case changes. */
export const HARDENED = readEvidence('examples/hardened-node.json');

/** A secret in a container's environment: Env never enters evidence, so no output may hold it. */
export const ENV_SECRET = 'hostile-env-secret-5c1e0b7d9a';

/** The hardened node's Docker engine: /version and each container's inspect, Env included. */
export function hardenedRoutes(): Record<string, Route> {
  const r: Record<string, Route> = { '/_ping': dockerPing };
  for (const [name, c] of Object.entries(HARDENED.containers)) {
    if (c.status !== 'present') continue;
    r[`/containers/${name}/json`] = json({
      Id: `${name}-id`,
      Name: `/${name}`,
      Path: c.path,
      Args: c.args,
      State: { Status: 'running', Running: true, Pid: 4242 },
      Config: { Image: c.image, Env: [`SECRET=${ENV_SECRET}`, 'PATH=/usr/bin'] },
      Env: [`SECRET=${ENV_SECRET}`],
    });
  }
  return r;
}
