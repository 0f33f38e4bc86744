import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/base/errors.js';
import {
  DockerClient,
  dockerEndpoint,
  PLAIN_TCP,
  reduceInspect,
} from '../../src/collect/docker.js';
import { expectError } from './expect-error.js';
import { dockerPing, fakeDocker, inspectOf, json, type Route } from '../fakes/docker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function client(routes: Record<string, Route>, timeoutMs = 2000) {
  const fake = await fakeDocker({ '/_ping': dockerPing, ...routes });
  cleanups.push(fake.close);
  return { fake, docker: new DockerClient(dockerEndpoint(fake.url, {}), timeoutMs) };
}

/** Starts a raw TCP server that does whatever `onConnection` does; returns its tcp:// URL. */
async function rawServer(onConnection: (s: net.Socket) => void): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          r();
        });
      }),
  );
  return `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

describe('dockerEndpoint', () => {
  it('takes --docker-host, then DOCKER_HOST, then the default socket', () => {
    expect(dockerEndpoint('unix:///a.sock', { DOCKER_HOST: 'unix:///b.sock' })).toEqual({
      url: 'unix:///a.sock',
      socketPath: '/a.sock',
      connection: 'unix socket',
    });
    expect(dockerEndpoint(undefined, { DOCKER_HOST: 'tcp://10.0.0.1:2375' })).toEqual({
      url: 'tcp://10.0.0.1:2375',
      host: '10.0.0.1',
      port: 2375,
      connection: PLAIN_TCP,
    });
    expect(dockerEndpoint(undefined, {})).toEqual({
      url: 'unix:///var/run/docker.sock',
      socketPath: '/var/run/docker.sock',
      connection: 'unix socket',
    });
    expect(dockerEndpoint('tcp://[::1]:2375', {})).toMatchObject({ host: '::1', port: 2375 });
  });
  it.each([
    'http://x',
    'unix://relative.sock',
    'tcp://host',
    'tcp://host:99999',
    'npipe:////./pipe/docker_engine',
  ])('refuses %s with an InputError naming it', (url) => {
    expect(() => dockerEndpoint(url, {})).toThrow(InputError);
    expect(() => dockerEndpoint(url, {})).toThrow(url);
  });
});

describe('dockerEndpoint with TLS, as the docker CLI finds its files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rkecis-docker-tls-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const pem = (name: string): [string, string] => {
    const key = join(dir, `${name}-key.pem`);
    const cert = join(dir, `${name}.pem`);
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
    ]);
    return [cert, key];
  };
  const [ca] = pem('ca');
  const [cert, key] = pem('client');
  const [, otherKey] = pem('other');
  const folder = (files: Record<string, string>): string => {
    const d = join(dir, Object.keys(files).join('+') || 'none');
    mkdirSync(d, { recursive: true });
    for (const [name, from] of Object.entries(files))
      writeFileSync(join(d, name), readFileSync(from));
    return d;
  };
  const tcp = 'tcp://10.0.0.5:2376';
  const fail = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  it('takes ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', () => {
    const d = folder({ 'ca.pem': ca, 'cert.pem': cert, 'key.pem': key });
    const e = dockerEndpoint(tcp, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: d });
    expect(e).toMatchObject({ host: '10.0.0.5', port: 2376, tls: { caFile: join(d, 'ca.pem') } });
    expect(e.connection).toBe(
      `TLS, the engine's certificate verified against ${join(d, 'ca.pem')}, with a client certificate`,
    );
    // ~/.docker when DOCKER_CERT_PATH is not set; no client certificate when there is none.
    const home = join(dir, 'home');
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(join(home, '.docker', 'ca.pem'), readFileSync(ca));
    expect(dockerEndpoint(tcp, { HOME: home }, { tlsverify: true }).connection).toMatch(
      /without a client certificate$/,
    );
    // Without TLS asked for, a tcp:// engine is plain HTTP, and says so.
    expect(dockerEndpoint(tcp, { DOCKER_CERT_PATH: d }).connection).toBe(PLAIN_TCP);
  });

  it('names the missing or mismatched file', () => {
    expect(
      fail(() => dockerEndpoint(tcp, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: folder({}) })),
    ).toMatch(
      /^DOCKER_CERT_PATH \S+ has no readable ca\.pem \(no such file\): TLS needs the CA that signed the engine's certificate/,
    );
    const noKey = folder({ 'ca.pem': ca, 'cert.pem': cert });
    expect(
      fail(() => dockerEndpoint(tcp, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: noKey })),
    ).toBe(
      `${join(noKey, 'cert.pem')} has no key beside it: ${join(noKey, 'key.pem')} is missing (a client certificate needs its key: give both, or neither)`,
    );
    expect(
      fail(() => dockerEndpoint(tcp, {}, { tlscacert: ca, tlscert: cert, tlskey: otherKey })),
    ).toMatch(/^the Docker TLS files .* cannot be used: .*(mismatch|values)/i);
    expect(fail(() => dockerEndpoint(tcp, {}, { tlscacert: join(dir, 'none.pem') }))).toBe(
      `--tlscacert ${join(dir, 'none.pem')}: no such file`,
    );
    expect(fail(() => dockerEndpoint('unix:///run/docker.sock', {}, { tlsverify: true }))).toMatch(
      /are for a tcp:\/\/ Docker host, not a unix socket/,
    );
  });
});

describe('DockerClient.ping', () => {
  it('accepts a Docker engine', async () => {
    const { docker } = await client({});
    await expect(docker.ping()).resolves.toEqual({ apiVersion: '1.41' });
  });
  it('accepts Docker 1.12, which names itself only in the Server header', async () => {
    const { docker } = await client({
      '/_ping': (_q, res) => res.writeHead(200, { Server: 'Docker/1.12.6 (linux)' }).end('OK'),
    });
    await expect(docker.ping()).resolves.toEqual({ apiVersion: 'unknown' });
  });
  it('names the socket when it does not exist', async () => {
    const docker = new DockerClient(dockerEndpoint('unix:///nonexistent/docker.sock', {}));
    await expect(docker.ping()).rejects.toThrow(
      /unix:\/\/\/nonexistent\/docker.sock: no such socket/,
    );
    await expect(docker.ping()).rejects.toBeInstanceOf(InputError);
  });
  it('says when the connection is refused', async () => {
    const url = await rawServer((s) => s.destroy());
    const port = Number(url.split(':').pop());
    await new Promise<void>((r) => setTimeout(r, 0));
    await Promise.all(cleanups.splice(0).map((c) => c())); // close it: nothing listens on the port now
    const docker = new DockerClient(dockerEndpoint(`tcp://127.0.0.1:${port}`, {}));
    await expect(docker.ping()).rejects.toThrow(/connection refused/);
  });
  it.each<[string, Route]>([
    ['a 404', json({ message: 'page not found' }, 404)],
    ['JSON', json({ hello: 'world' })],
    ['text', (_q, res) => res.end('<html>hello</html>')],
    ['OK without an Api-Version header', (_q, res) => res.end('OK')],
  ])('refuses a server answering /_ping with %s as not Docker', async (_what, route) => {
    const { docker, fake } = await client({ '/_ping': route });
    await expect(docker.ping()).rejects.toThrow(new RegExp(`${fake.url}: not a Docker engine`));
  });
  it('refuses a socket that does not speak HTTP', async () => {
    const url = await rawServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
    const docker = new DockerClient(dockerEndpoint(url, {}));
    await expect(docker.ping()).rejects.toThrow(/not a Docker engine \(the answer is not HTTP/);
  });
  it('gives up on a silent engine after the timeout', async () => {
    const url = await rawServer(() => undefined);
    const docker = new DockerClient(dockerEndpoint(url, {}), 200);
    await expect(docker.ping()).rejects.toThrow(/timed out: no complete answer within 0.2s/);
  });
});

describe('DockerClient.inspect', () => {
  it('keeps Path, Args, Image, Name, Id and State, and never Env', async () => {
    const { docker } = await client({
      '/containers/kube-apiserver/json': json(
        inspectOf('kube-apiserver', ['kube-apiserver', '--profiling=false']),
      ),
    });
    const got = await docker.inspect('kube-apiserver');
    expect(got).toEqual({
      status: 'present',
      id: 'kube-apiserver-0123456789abcdef',
      name: 'kube-apiserver',
      image: 'rancher/hyperkube:v1.11.5-rancher1',
      path: '/opt/rke-tools/entrypoint.sh',
      args: ['kube-apiserver', '--profiling=false'],
      state: { status: 'running', running: true },
    });
    expect(JSON.stringify(got)).not.toContain('env-secret-value');
  });
  it('reports a 404 as absent', async () => {
    const { docker } = await client({});
    await expect(docker.inspect('etcd')).resolves.toEqual({ status: 'absent' });
  });
  it.each<[string, Route, RegExp]>([
    ['a 500', json({ message: 'driver failed' }, 500), /HTTP 500: driver failed/],
    ['invalid JSON', (_q, res) => res.end('{"Path": '), /not inspect JSON/],
    ['JSON of another shape', json({ Path: 7, Args: 'x' }), /Args is a string, not a list/],
    [
      'JSON without Args',
      json({ Path: '/x', State: { Status: 'running', Running: true } }),
      /Args is missing/,
    ],
    [
      'a connection reset mid-body',
      (_q, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '5000' });
        res.write('{"Id": "abc", "Path": "/opt/rke-tools/entr');
        setTimeout(() => res.socket?.destroy(), 20);
      },
      /connection closed before the response was complete|ECONNRESET/,
    ],
    ['no answer in time', () => undefined, /timed out/],
  ])('reports %s as an error and goes on', async (_what, route, reason) => {
    const { docker } = await client(
      {
        '/containers/kube-apiserver/json': route,
        '/containers/kubelet/json': json(inspectOf('kubelet', ['kubelet'])),
      },
      300,
    );
    const all = await docker.inspectAll(['kube-apiserver', 'kubelet']);
    expectError(all['kube-apiserver'], reason);
    expectError(all['kube-apiserver'], /^docker inspect kube-apiserver: /);
    expect(all.kubelet).toMatchObject({ status: 'present', args: ['kubelet'] });
  });
  it('inspects every container once, all at the same time', async () => {
    let inFlight = 0;
    let most = 0;
    const slow =
      (name: string): Route =>
      (_q, res) => {
        inFlight++;
        most = Math.max(most, inFlight);
        setTimeout(() => {
          inFlight--;
          json(inspectOf(name, [name]))(_q, res);
        }, 100);
      };
    const names = [
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-proxy',
      'kube-scheduler',
      'kubelet',
    ];
    const { docker, fake } = await client(
      Object.fromEntries(names.map((n) => [`/containers/${n}/json`, slow(n)])),
    );
    const all = await docker.inspectAll(names);
    expect(Object.keys(all)).toEqual(names);
    expect(most).toBe(names.length);
    expect(fake.paths.filter((p) => p.startsWith('/containers/')).sort()).toEqual(
      names.map((n) => `/containers/${n}/json`),
    );
  });
});

describe('reduceInspect', () => {
  const inspect = {
    Name: '/etcd',
    Path: '/usr/local/bin/etcd',
    Args: ['--client-cert-auth=true'],
    State: { Status: 'exited', Running: false },
    Config: { Image: 'etcd' },
  };
  it('keeps what controls read and strips the leading slash of the name', () => {
    expect(reduceInspect(inspect)).toEqual({
      status: 'present',
      name: 'etcd',
      image: 'etcd',
      path: '/usr/local/bin/etcd',
      args: ['--client-cert-auth=true'],
      state: { status: 'exited', running: false },
    });
    expect(reduceInspect({ ...inspect, Args: [] })).toMatchObject({ args: [] });
  });
  it.each([
    [null, /not inspect JSON/],
    [[], /not inspect JSON/],
    ['x', /not inspect JSON/],
    [{ ...inspect, Args: undefined }, /Args is missing, not a list/],
    [{ ...inspect, Args: null }, /Args is null, not a list/],
    [{ ...inspect, Args: '--client-cert-auth=true' }, /Args is a string, not a list/],
    [{ ...inspect, Args: { 0: '--x' } }, /Args is an object, not a list/],
    [{ ...inspect, Args: ['--x', 1] }, /Args\[1\] is a number, not a string/],
    [{ ...inspect, Args: ['--x', null] }, /Args\[1\] is null, not a string/],
    [{ ...inspect, Path: 7 }, /Path is a number/],
    [{ ...inspect, State: undefined }, /State has no Status and Running/],
    [{ ...inspect, State: { Status: 'running', Running: 'true' } }, /State has no Status/],
  ])('refuses %j: %s', (v, why) => {
    expect(reduceInspect(v)).toMatch(why);
  });
});

describe('reduceInspect: mounts and named environment variables, when asked', () => {
  const inspect = {
    Name: '/etcd',
    Path: '/usr/local/bin/etcd',
    Args: ['--data-dir=/var/lib/rancher/etcd/'],
    State: { Status: 'running', Running: true },
    Config: {
      Image: 'etcd',
      Env: ['SECRET=s3cr3t', 'ETCD_AUTO_TLS=false', 'ETCD_AUTO_TLS=true', 'PATH=/usr/bin', 'BARE'],
    },
    Mounts: [
      {
        Type: 'bind',
        Source: '/var/lib/etcd',
        Destination: '/var/lib/rancher/etcd',
        Mode: 'z',
        RW: true,
        Propagation: 'rprivate',
      },
      { Type: 'tmpfs', Source: '', Destination: '/run', Mode: '', RW: false, Propagation: '' },
    ],
  };

  it('keeps neither unless a control reads them', () => {
    const r = reduceInspect(inspect);
    expect(r).not.toHaveProperty('env');
    expect(r).not.toHaveProperty('mounts');
    expect(JSON.stringify(r)).not.toContain('s3cr3t');
  });

  it('keeps type, source, destination and rw of each mount', () => {
    expect(reduceInspect(inspect, { mounts: true })).toMatchObject({
      mounts: [
        { type: 'bind', source: '/var/lib/etcd', destination: '/var/lib/rancher/etcd', rw: true },
        { type: 'tmpfs', source: '', destination: '/run', rw: false },
      ],
    });
  });

  it('keeps the named variables only: the first of a name (as Go reads it), null when not set', () => {
    const r = reduceInspect(inspect, { env: ['ETCD_AUTO_TLS', 'ETCD_PEER_AUTO_TLS', 'BARE'] });
    expect(r).toMatchObject({
      env: { ETCD_AUTO_TLS: 'false', ETCD_PEER_AUTO_TLS: null, BARE: null },
    });
    expect(JSON.stringify(r)).not.toContain('s3cr3t');
    expect(JSON.stringify(r)).not.toContain('PATH');
    // A container without any variable: the engine answers null.
    expect(
      reduceInspect({ ...inspect, Config: { Image: 'etcd', Env: null } }, { env: ['A'] }),
    ).toMatchObject({ env: { A: null } });
  });

  it.each([
    [{ ...inspect, Mounts: null }, { mounts: true }, /Mounts is null, not a list/],
    [{ ...inspect, Mounts: [{ Type: 'bind' }] }, { mounts: true }, /Mounts\[0\] has no Type/],
    [
      { ...inspect, Config: { Image: 'etcd', Env: 'A=1' } },
      { env: ['A'] },
      /Config.Env is a string, not a list/,
    ],
    [
      { ...inspect, Config: { Image: 'etcd', Env: ['A=1', 7] } },
      { env: ['A'] },
      /an item of the answer's Config.Env is a number/,
    ],
  ])('refuses %j when asked for %j: %s', (v, want, why) => {
    const r = reduceInspect(v, want);
    expect(r).toMatch(why);
    expect(JSON.stringify(r)).not.toContain('A=1');
  });
});
