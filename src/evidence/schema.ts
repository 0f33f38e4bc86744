import { z } from 'zod';
import { EVIDENCE_API_VERSION, EVIDENCE_KIND, ROLES, type Role } from './constants.js';

/**
 * Evidence: everything one node tells us, gathered once, as plain JSON.
 * It is the contract between the collectors (I/O) and the engine (pure), and the format of
 * the bundles `rkecis collect` writes. Bump EVIDENCE_API_VERSION (constants.ts) on any
 * incompatible change.
 */
export { EVIDENCE_API_VERSION, EVIDENCE_KIND, ROLES, type Role };
export const roleSchema = z.enum(ROLES);

const reason = z.string().min(1).describe('Why the evidence could not be had');

/** One of a container's mounts: a host path (source) seen in the container at destination. */
export const mountSchema = z
  .object({
    type: z.string().describe('bind, volume, tmpfs...'),
    source: z.string().describe('The host path ("" for a tmpfs)'),
    destination: z.string().describe("The path in the container's filesystem"),
    rw: z.boolean(),
  })
  .strict();
export type Mount = z.infer<typeof mountSchema>;

export const containerEvidenceSchema = z.discriminatedUnion('status', [
  z
    .object({
      status: z.literal('present'),
      id: z.string().optional(),
      name: z.string().optional(),
      image: z.string(),
      path: z.string().describe('The entrypoint (docker inspect .Path)'),
      args: z.array(z.string()).describe('docker inspect .Args: the command and its flags'),
      state: z.object({ status: z.string(), running: z.boolean() }).strict(),
      mounts: z
        .array(mountSchema)
        .optional()
        .describe(
          "docker inspect .Mounts, when a control reads a path through them: where the container's paths are on the host",
        ),
      env: z
        .record(
          z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'),
          z.string().nullable(),
        )
        .optional()
        .describe(
          'Only the environment variables some control names: name -> value, null when the container does not set it. No other variable is ever collected',
        ),
    })
    .strict(),
  z.object({ status: z.literal('absent') }).strict(),
  z.object({ status: z.literal('error'), reason }).strict(),
]);
export type ContainerEvidence = z.infer<typeof containerEvidenceSchema>;

export const FILE_TYPES = [
  'file',
  'directory',
  'symlink',
  'socket',
  'fifo',
  'device',
  'other',
] as const;

export interface PresentFile {
  status: 'present';
  type: (typeof FILE_TYPES)[number];
  /** Permission bits in octal, as `stat -c %a` prints them ("644", "1777"). */
  mode: string;
  uid: number;
  gid: number;
  /** Owner name from the node's own /etc/passwd, else the numeric uid as text. */
  user: string;
  /** Group name from the node's own /etc/group, else the numeric gid as text. */
  group: string;
  /** Symlink target, as readlink gives it. */
  target?: string;
  /** Text of the few files a control reads, with secrets replaced by "<redacted>". */
  content?: string;
  /** For directories whose entries a control checks: name -> that entry's metadata. */
  entries?: Record<string, FileEvidence>;
}
export type FileEvidence = PresentFile | { status: 'absent' } | { status: 'error'; reason: string };

export const fileEvidenceSchema: z.ZodType<FileEvidence> = z.lazy(() =>
  z.discriminatedUnion('status', [
    z
      .object({
        status: z.literal('present'),
        type: z.enum(FILE_TYPES),
        mode: z.string().regex(/^[0-7]{1,4}$/, 'an octal mode like "644"'),
        uid: z.number().int().nonnegative(),
        gid: z.number().int().nonnegative(),
        user: z.string().min(1),
        group: z.string().min(1),
        target: z.string().optional(),
        content: z.string().optional(),
        entries: z.record(z.string(), fileEvidenceSchema).optional(),
      })
      .strict(),
    z.object({ status: z.literal('absent') }).strict(),
    z.object({ status: z.literal('error'), reason }).strict(),
  ]),
);

/** One Kubernetes resource kind as listed from the API: name -> object. */
export const resourceEvidenceSchema = z.discriminatedUnion('status', [
  z
    .object({
      status: z.literal('ok'),
      apiVersion: z.string(),
      items: z
        .record(z.string(), z.unknown())
        .describe(
          "The objects by `namespace/name` (namespaced kinds) or `name`, each with its apiVersion and kind, read page by page; without status, managedFields, last-applied-configuration or containers' environment (env, envFrom)",
        ),
    })
    .strict(),
  z
    .object({ status: z.literal('not-served'), reason })
    .strict()
    .describe('The API no longer serves this kind (PodSecurityPolicy on Kubernetes 1.25+)'),
  z.object({ status: z.literal('error'), reason }).strict(),
]);
export type ResourceEvidence = z.infer<typeof resourceEvidenceSchema>;

export const evidenceSchema = z
  .object({
    apiVersion: z.literal(EVIDENCE_API_VERSION),
    kind: z.literal(EVIDENCE_KIND),
    node: z
      .object({
        name: z.string().min(1),
        hostname: z.string().optional(),
      })
      .strict(),
    roles: z
      .object({
        detected: z.array(roleSchema),
        source: z.enum(['containers', 'override', 'declared']),
        reason: z.string().optional(),
      })
      .strict(),
    collectedAt: z.string().optional(),
    collector: z
      .object({
        name: z.string(),
        version: z.string(),
        root: z.string().optional(),
        dockerHost: z.string().optional(),
        /** How the engine was reached: unix socket, SSH, TLS, or plain TCP (not encrypted). */
        dockerConnection: z.string().optional(),
        kubernetes: z.string().optional(),
      })
      .strict()
      .optional(),
    containers: z.record(z.string(), containerEvidenceSchema),
    files: z.record(z.string(), fileEvidenceSchema),
    kubernetes: z
      .object({
        /** Server version as the API reports it (gitVersion), when it could be read. */
        version: z.string().optional(),
        resources: z.record(z.string(), resourceEvidenceSchema),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Evidence = z.infer<typeof evidenceSchema>;
