import { z } from 'zod';
import { KUBERNETES_RESOURCES } from './k8s-resources.js';
import {
  fieldFilterSchema,
  fieldTestSchema,
  flagItemSchema,
  flagName,
  match,
  namespaceName,
  operatorSchema,
  resourceName,
  valueTestSchema,
} from './schema-tests.js';
import {
  containerName,
  fileTarget,
  hostPath,
  pathFromSchema,
  refineFiles,
} from './schema-files.js';

export {
  envName,
  fieldGroupSchema,
  fieldItemSchema,
  fieldTestSchema,
  flagGroupSchema,
  flagItemSchema,
  flagTestSchema,
  valueTestSchema,
} from './schema-tests.js';
export type {
  FieldFilter,
  FieldGroup,
  FieldItem,
  FieldTest,
  FlagGroup,
  FlagItem,
  FlagTest,
  ValueTest,
} from './schema-tests.js';
export { pathFromSchema, type PathFrom } from './schema-files.js';

/**
 * The profile format. A profile is a folder: `profile.yaml` (metadata and section titles) and one
 * YAML file per section holding that section's controls. Everything here is strict: an unknown
 * key is a load error, never silently ignored (kube-bench ships a misspelled operator that way).
 */

export const CONTROL_ROLES = ['controlplane', 'etcd', 'worker', 'cluster'] as const;
export const GUIDE_RESULTS = [
  // v2.1 and the CIS 1.4 guides
  'Pass',
  'Fail',
  'Fail (See Mitigation)',
  'Pass (See Mitigation)',
  'Pass (Not Applicable)',
  'Not Applicable',
  'Document',
  'None',
  // The kube-bench style guides (CIS 1.5 on), each spelling as a guide writes it
  'PASS',
  'pass',
  'fail',
  'warn',
  'notApplicable',
] as const;


export const checkSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('flag'),
      container: containerName,
      match,
      tests: z.array(flagItemSchema).min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('cipher-list'),
      container: containerName,
      flag: z.string().default('--tls-cipher-suites'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('file-mode'),
      ...fileTarget,
      max: z.string().regex(/^[0-7]{3,4}$/, 'an octal mode like "644"'),
    })
    .strict()
    .superRefine(refineFiles),
  z
    .object({
      kind: z.literal('file-owner'),
      ...fileTarget,
      owner: z.string().regex(/^[^:\s]+:[^:\s]+$/, 'user:group'),
    })
    .strict()
    .superRefine(refineFiles),
  z
    .object({
      kind: z.literal('file-content'),
      path: hostPath.optional(),
      from: pathFromSchema.optional().describe('The path from a container flag, instead of path'),
      optional: fileTarget.optional,
      format: z.literal('yaml'),
      select: z.string().min(1),
      test: valueTestSchema,
    })
    .strict()
    .superRefine((c, ctx) => {
      if ((c.path === undefined) === (c.from === undefined))
        ctx.addIssue({ code: 'custom', message: 'a file-content check names either "path" or "from"' });
    }),
  z
    .object({
      kind: z.literal('k8s-object'),
      resource: z.string().min(1),
      name: z.string().min(1),
      match,
      tests: z.array(fieldTestSchema).min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('k8s-list'),
      resources: z.array(resourceName).min(1).describe('Plural resource names, listed whole'),
      namespace: namespaceName.optional().describe('Only the objects of this namespace'),
      select: fieldFilterSchema
        .optional()
        .describe('Which objects the control is about (default: every object listed)'),
      where: fieldFilterSchema
        .optional()
        .describe('What the selected objects must satisfy (default: being selected)'),
      quantifier: z
        .enum(['some', 'every', 'none'])
        .describe(
          'some: at least one selected object satisfies `where`; every: each does; none: none does',
        ),
      empty: z
        .enum(['pass', 'fail', 'error'])
        .optional()
        .describe('The verdict when nothing is selected (default: some fail, every error, none pass)'),
    })
    .strict()
    .refine(
      (c) => c.namespace === undefined || c.resources.every((r) => KUBERNETES_RESOURCES[r].namespaced),
      {
        error: 'namespace names a namespace, but some of the resources are not namespaced',
        path: ['namespace'],
      },
    ),
  z
    .object({
      kind: z.literal('k8s-namespaces'),
      resource: resourceName.refine((r) => KUBERNETES_RESOURCES[r].namespaced, {
        error: 'k8s-namespaces counts the objects of a namespaced resource',
      }),
      min: z.number().int().min(1).default(1),
      exclude: z.array(namespaceName).default([]).describe('Namespaces the control exempts'),
    })
    .strict()
    .describe('Every namespace has at least `min` objects of a namespaced resource'),
  z
    .object({
      kind: z.literal('k8s-rbac'),
      query: z
        .enum(['default-service-accounts'])
        .describe(
          'default-service-accounts: every `default` service account has automountServiceAccountToken false, and no (Cluster)RoleBinding gives a default service account or the service-account groups rules beyond `use` of podsecuritypolicies',
        ),
    })
    .strict(),
  z
    .object({
      kind: z.literal('fixed'),
      status: z.enum(['not-applicable', 'manual']),
      reason: z.string().min(1),
      show: z
        .object({ container: containerName, flags: z.array(flagName).min(1) })
        .strict()
        .optional()
        .describe(
          "Evidence shown as the control's actual value, for the person who judges it: these flags of the container, as the node has them",
        ),
    })
    .strict(),
]);
export type Check = z.infer<typeof checkSchema>;
export type CheckKind = Check['kind'];

/**
 * How to read the outcome of the guide's own command: `found` when it prints a match (exit 0
 * under `jq -e`), `not-found` when it prints nothing (jq -e exits non-zero), `info` when the
 * output is for a person to read, or an operator applied to its trimmed output (for `stat`).
 */
export const passWhenSchema = z.union([
  z.enum(['found', 'not-found', 'info']),
  z.object({ op: operatorSchema, value: z.string() }).strict(),
]);
export type PassWhen = z.infer<typeof passWhenSchema>;

export const auditSchema = z
  .object({
    label: z.string().optional(),
    command: z.string().min(1),
    returned: z.string().optional(),
    /** The guide's "Expected Result" for this command (kube-bench style guides), verbatim. */
    expected: z.string().optional(),
    passWhen: passWhenSchema,
  })
  .strict();
export type Audit = z.infer<typeof auditSchema>;

export const controlSchema = z
  .object({
    id: z.string().regex(/^\d+(\.\d+)+$/, 'a dotted id like 1.1.1'),
    title: z.string().min(1),
    scored: z.boolean(),
    role: z.enum(CONTROL_ROLES),
    guide: z
      .object({
        result: z.enum(GUIDE_RESULTS),
        returned: z.string().optional(),
        notes: z.string().optional(),
        mitigation: z.string().optional(),
        /**
         * A profile made from several near-identical guides states the result, returned value and
         * notes of its primary guide (the profile's first `guides` entry); each other guide that
         * differs on this control says how here.
         */
        differences: z
          .array(
            z
              .object({
                guide: z.string().min(1),
                result: z.enum(GUIDE_RESULTS).optional(),
                returned: z.string().optional(),
                note: z.string().min(1),
              })
              .strict(),
          )
          .optional(),
      })
      .strict(),
    audit: z.array(auditSchema).default([]),
    check: checkSchema,
    expected: z.string().optional(),
    remediation: z.string().min(1),
    erratum: z.string().optional(),
    /**
     * rkecis's verdict on the guide's own hardened node differs from the result the guide states
     * (the stated result contradicts the guide's own output, or a "warn" control rkecis automates):
     * the erratum says why. The examples' meta-test holds every other control to the guide.
     */
    departsFromGuide: z.literal(true).optional(),
  })
  .strict()
  .refine((c) => c.departsFromGuide !== true || c.erratum !== undefined, {
    error: 'departsFromGuide needs an erratum saying why',
    path: ['departsFromGuide'],
  });
export type Control = z.infer<typeof controlSchema>;

export const sectionFileSchema = z
  .object({
    // CIS 1.5 on number etcd's section "2" and its controls 2.1, 2.2, ...
    section: z.string().regex(/^\d+(\.\d+)?$/),
    title: z.string().min(1),
    description: z.string().optional(),
    controls: z.array(controlSchema).min(1),
  })
  .strict();
export type SectionFile = z.infer<typeof sectionFileSchema>;

export const profileMetaSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    title: z.string().min(1),
    benchmark: z.object({ name: z.string(), version: z.string() }).strict(),
    kubernetes: z.string(),
    /**
     * The Kubernetes minor versions automatic profile choice gives this profile (inclusive), when it
     * may be chosen automatically at all.
     */
    kubernetesRange: z
      .object({
        min: z.string().regex(/^1\.\d+$/, 'a minor version like "1.15"'),
        max: z.string().regex(/^1\.\d+$/, 'a minor version like "1.17"'),
      })
      .strict()
      .optional(),
    /** The guides the profile is made from, the primary one first. */
    guides: z
      .array(
        z
          .object({
            id: z.string().min(1).describe('How controls name it in guide.differences: "v2.6"'),
            title: z.string().min(1),
            rancher: z.string().min(1),
            kubernetes: z.string().min(1),
            source: z.string().min(1),
          })
          .strict(),
      )
      .min(1)
      .optional(),
    rancher: z.string().optional(),
    source: z.string().optional(),
    methodology: z.string().optional(),
    groups: z
      .array(z.object({ id: z.string().regex(/^\d+$/), title: z.string() }).strict())
      .min(1),
    sections: z.array(z.string().min(1)).min(1).describe('Section files, in order'),
  })
  .strict();
export type ProfileMeta = z.infer<typeof profileMetaSchema>;

/** A loaded, validated profile. */
export interface Profile {
  meta: ProfileMeta;
  sections: { id: string; title: string; description?: string | undefined }[];
  controls: (Control & { section: string })[];
}
export type ProfileControl = Profile['controls'][number];
