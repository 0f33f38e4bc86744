import type http from 'node:http';
import https from 'node:https';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { Cluster, KubeConfig, User } from '@kubernetes/client-node';
import { parseDocument } from 'yaml';
import { MiB, readInputFile, readInputText } from '../base/input-file.js';

/** A kubeconfig, and each CA, certificate or key file it names, is at most this big. */
export const MAX_KUBECONFIG_BYTES = 16 * MiB;

/** What kubernetes.ts uses of a KubeConfig. */
export type KubeAccess = Pick<
  KubeConfig,
  'getCurrentCluster' | 'getCurrentUser' | 'applyToHTTPSOptions'
>;

/**
 * The common kubeconfig, read without the Kubernetes client: one file whose current context names
 * a cluster (server, CA, insecure-skip-tls-verify, tls-server-name) and a user with a client
 * certificate or a token, which is what RKE writes (kube_config_cluster.yml). Importing the client
 * costs a scan about a fifth of a second even bundled (its KubeConfig pulls in the whole generated
 * API), more than the rest of the scan's start-up.
 *
 * It behaves as the client's KubeConfig.loadFromFile and applyToHTTPSOptions do for such a file
 * (same fields, same precedence, same options and agent). Anything else returns undefined and the
 * client reads the file instead: several KUBECONFIG files to merge, the in-cluster account, exec
 * plugins and auth providers, basic auth, impersonation, token files, proxies, plain http, merge
 * keys, and every malformed file (so its errors stay the client's).
 */
export function readSimpleKubeconfig(
  path: string,
  from: '--kubeconfig' | 'KUBECONFIG' | 'default',
): KubeAccess | undefined {
  let file = path;
  if (from === 'KUBECONFIG') {
    const files = path.split(delimiter).filter((f) => f !== '');
    if (files.length !== 1) return undefined;
    file = files[0] as string;
  }
  let doc: unknown;
  try {
    const text = readInputText(file, { maxBytes: MAX_KUBECONFIG_BYTES });
    // Merge keys and tags are where the client's YAML parser (js-yaml) and this one differ.
    if (text.includes('<<') || text.includes('!')) return undefined;
    const parsed = parseDocument(text, { logLevel: 'silent' });
    if (parsed.errors.length > 0 || parsed.warnings.length > 0) return undefined;
    doc = parsed.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  const config = record(doc);
  const contextName = config?.['current-context'];
  if (config === undefined || typeof contextName !== 'string') return undefined;
  const context = named(config.contexts, contextName, 'context');
  if (context === undefined || typeof context.cluster !== 'string') return undefined;
  if (context.user !== undefined && typeof context.user !== 'string') return undefined;
  const c = named(config.clusters, context.cluster, 'cluster');
  const u =
    typeof context.user === 'string' ? named(config.users, context.user, 'user') : undefined;
  if (c === undefined || u === undefined) return undefined;
  if (!entriesValid(config)) return undefined;

  const server = c.server;
  if (typeof server !== 'string' || !server.startsWith('https:')) return undefined;
  if (c['proxy-url'] !== undefined) return undefined;
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : undefined;
  const strOrAbsent = (v: unknown): boolean =>
    v === undefined || v === null || typeof v === 'string';
  for (const k of ['certificate-authority', 'certificate-authority-data', 'tls-server-name'])
    if (!strOrAbsent(c[k])) return undefined;
  for (const k of ['exec', 'auth-provider', 'username', 'password', 'as', 'token-file'])
    if (u[k] !== undefined && u[k] !== null) return undefined;
  for (const k of [
    'client-certificate',
    'client-certificate-data',
    'client-key',
    'client-key-data',
    'token',
  ])
    if (!strOrAbsent(u[k])) return undefined;

  const root = dirname(file);
  const absolute = (p: string | undefined): string | undefined =>
    p === undefined || isAbsolute(p) ? p : join(root, p);
  const cluster: Cluster = {
    name: context.cluster,
    server: server.replace(/\/$/, ''),
    skipTLSVerify: c['insecure-skip-tls-verify'] === true,
    ...(str(c['certificate-authority-data']) !== undefined
      ? { caData: str(c['certificate-authority-data']) }
      : {}),
    ...(str(c['certificate-authority']) !== undefined
      ? { caFile: absolute(str(c['certificate-authority'])) }
      : {}),
    ...(str(c['tls-server-name']) !== undefined
      ? { tlsServerName: str(c['tls-server-name']) }
      : {}),
  };
  const certFile = absolute(str(u['client-certificate']));
  const keyFile = absolute(str(u['client-key']));
  const certData = str(u['client-certificate-data']);
  const keyData = str(u['client-key-data']);
  const token = str(u.token);
  const user: User = {
    name: context.user as string,
    ...(certFile !== undefined ? { certFile } : {}),
    ...(keyFile !== undefined ? { keyFile } : {}),
    ...(certData !== undefined ? { certData } : {}),
    ...(keyData !== undefined ? { keyData } : {}),
    ...(token !== undefined ? { token } : {}),
  };

  return {
    getCurrentCluster: () => cluster,
    getCurrentUser: () => user,
    // As the client's applyToHTTPSOptions: TLS options, the bearer token, and an agent holding
    // the same TLS options. Files are read here, on each call, as the client reads them.
    applyToHTTPSOptions: (opts) => {
      const o = opts as https.RequestOptions;
      if (cluster.skipTLSVerify) o.rejectUnauthorized = false;
      if (cluster.tlsServerName !== undefined) o.servername = cluster.tlsServerName;
      const ca = fileOrData(cluster.caFile, cluster.caData);
      if (ca !== null) o.ca = ca;
      const cert = fileOrData(user.certFile, user.certData);
      if (cert !== null) o.cert = cert;
      const key = fileOrData(user.keyFile, user.keyData);
      if (key !== null) o.key = key;
      const headers = (o.headers ??= {}) as http.OutgoingHttpHeaders;
      if (user.token !== undefined) headers.Authorization = `Bearer ${user.token}`;
      const agent: https.AgentOptions = {
        ca: o.ca,
        cert: o.cert,
        key: o.key,
        pfx: o.pfx,
        passphrase: o.passphrase,
        ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
        timeout: o.timeout,
        servername: o.servername,
        ciphers: o.ciphers,
        honorCipherOrder: o.honorCipherOrder,
        ecdhCurve: o.ecdhCurve,
        clientCertEngine: o.clientCertEngine,
        crl: o.crl,
        dhparam: o.dhparam,
        secureOptions: o.secureOptions,
        secureProtocol: o.secureProtocol,
        sessionIdContext: o.sessionIdContext,
      };
      o.agent = new https.Agent(agent);
      return Promise.resolve();
    },
  };
}

/** The client's bufferFromFileOrString: a file wins over inline base64 data. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | null {
  if (file !== undefined) return readInputFile(file, { maxBytes: MAX_KUBECONFIG_BYTES });
  if (data !== undefined) return Buffer.from(data, 'base64');
  return null;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The first list entry of that name, as the client's findObject finds it. */
function named(
  list: unknown,
  name: string,
  key: 'cluster' | 'context' | 'user',
): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return undefined;
  const entry = list.map(record).find((e) => e?.name === name);
  return record(entry?.[key]);
}

/**
 * Every entry as the client requires it (it throws on the first that is not): a name, and for
 * clusters a server, for contexts a cluster. A file that fails this is the client's to report.
 */
function entriesValid(config: Record<string, unknown>): boolean {
  const all = (list: unknown, ok: (e: Record<string, unknown>) => boolean): boolean =>
    Array.isArray(list) &&
    list.every((e) => record(e) !== undefined && ok(record(e) as Record<string, unknown>));
  return (
    all(config.clusters, (e) => truthy(e.name) && truthy(record(e.cluster)?.server)) &&
    all(config.contexts, (e) => truthy(e.name) && truthy(record(e.context)?.cluster)) &&
    all(config.users, (e) => truthy(e.name))
  );
}

const truthy = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== false && v !== '' && v !== 0;
