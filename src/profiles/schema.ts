import { z } from 'zod';
import { KUBERNETES_RESOURCES, RESOURCE_NAMES, uncollectedField } from './k8s-resources.js';
import { linearTimeProblem } from './linear-regex.js';
import { OPERATOR_NAMES } from './operator-names.js';

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

const operatorSchema = z.enum(OPERATOR_NAMES, {
  error: (issue) =>
    `unknown operator ${JSON.stringify(issue.input)}; expected one of ${OPERATOR_NAMES.join(', ')}`,
});

/**
 * One test on one value: `set: true|false` alone asks whether the value exists; `op`+`value`
 * compares it (and a missing value then fails the test).
 */
const testFields = {
  set: z.boolean().optional(),
  op: operatorSchema.optional(),
  value: z
    .string()
    .optional()
    .describe(
      'What op compares with. eq/noteq against true or false compare booleans as Go\'s strconv.ParseBool reads them (False, 0 and f are false); a Kubernetes or YAML value must then be a boolean. A regex may not use lookaround or backreferences.',
    ),
};
function refineTest(
  t: { set?: boolean | undefined; op?: string | undefined; value?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (t.op === undefined && t.set === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a test needs "set" or "op"' });
  }
  if (t.op !== undefined && t.value === undefined) {
    ctx.addIssue({ code: 'custom', message: `operator ${t.op} needs a "value"` });
  }
  if (t.op === 'regex' && t.value !== undefined) {
    let problem: string | undefined;
    try {
      new RegExp(t.value);
      problem = linearTimeProblem(t.value);
    } catch (e) {
      problem = `regex does not compile: ${(e as Error).message}`;
    }
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }
  if (t.op !== undefined && t.set === false) {
    ctx.addIssue({ code: 'custom', message: '"set: false" cannot be combined with "op"' });
  }
}

const flagName = z.string().regex(/^--?[A-Za-z0-9][A-Za-z0-9-]*$/, 'a flag like --name');
/** An environment variable's name, as a shell and Docker's `Env` write it. */
export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name like ETCD_AUTO_TLS');
/** A key of a YAML configuration file, dotted: `authentication.anonymous.enabled`. */
const configKey = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/,
    'a dotted key of the config file like authentication.anonymous.enabled',
  );
/**
 * One test of a container's settings: a `flag` (optionally falling back to a `config` key of the
 * YAML file the container's `--config` names, as the kubelet does), or an `env` variable. Two
 * forms, each with its key required, so that an item with neither reads as no test at all (a
 * group's problems are then the ones shown).
 */
const flagKeyedTest = z
  .object({
    flag: flagName,
    config: configKey
      .optional()
      .describe(
        "The key of the YAML file named by the container's --config that the component reads when the flag is not given (the kubelet's readOnlyPort); a given flag wins",
      ),
    ...testFields,
  })
  .strict()
  .superRefine(refineTest);
const envKeyedTest = z
  .object({
    env: envName.describe(
      "An environment variable of the container instead of a flag (etcd's ETCD_AUTO_TLS): only the variables profiles name are ever collected",
    ),
    ...testFields,
  })
  .strict()
  .superRefine(refineTest);
export const flagTestSchema = z.union([flagKeyedTest, envKeyedTest]);
export const fieldTestSchema = z
  .object({ field: z.string().min(1), ...testFields })
  .strict()
  .superRefine(refineTest);
export const valueTestSchema = z.object({ ...testFields }).strict().superRefine(refineTest);

const match = z.enum(['all', 'any']).default('all');

/**
 * A group of flag tests inside a flag check: `match` (no default: inside a check, say which)
 * and its own tests, which may be groups again. "AlwaysAdmit in neither of the two flags that
 * name admission plugins" is all of (any of (unset, no item)) for each flag.
 */
export interface FlagGroup {
  match: 'all' | 'any';
  tests: FlagItem[];
}
export type FlagItem = z.infer<typeof flagTestSchema> | FlagGroup;

export const flagGroupSchema: z.ZodType<FlagGroup> = z.lazy(() =>
  z
    .object({
      match: z.enum(['all', 'any']),
      tests: z.array(flagItemSchema).min(1),
    })
    .strict(),
);
/** A flag test, or a group of them: an item with `flag` or `env` is a test, one without is a group. */
export const flagItemSchema: z.ZodType<FlagItem> = z.lazy(() =>
  // The group first: each form counts as one issue when neither matches, and a tie goes first.
  z.union([flagGroupSchema, flagTestSchema]),
);
/**
 * Tests on the fields of Kubernetes objects in a list check: a test, or a group of them (an
 * item with `field` is a test, one without a group), as flag groups are.
 */
export interface FieldGroup {
  match: 'all' | 'any';
  tests: FieldItem[];
}
export type FieldItem = FieldTest | FieldGroup;

/** A field test whose field the collector keeps (never an object's status or containers' env). */
const listFieldTestSchema = fieldTestSchema.superRefine((t, ctx) => {
  const problem = uncollectedField(t.field);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: ['field'] });
});
export const fieldGroupSchema: z.ZodType<FieldGroup> = z.lazy(() =>
  z
    .object({
      match: z.enum(['all', 'any']),
      tests: z.array(fieldItemSchema).min(1),
    })
    .strict(),
);
export const fieldItemSchema: z.ZodType<FieldItem> = z.lazy(() =>
  z.union([listFieldTestSchema, fieldGroupSchema]),
);
/** The `select` and `where` of a list check: a group whose `match` defaults to all. */
const fieldFilterSchema = z
  .object({ match, tests: z.array(fieldItemSchema).min(1) })
  .strict();
export type FieldFilter = z.infer<typeof fieldFilterSchema>;

const resourceName = z.enum(RESOURCE_NAMES, {
  error: (issue) =>
    `unknown or unlisted Kubernetes resource ${JSON.stringify(issue.input)}; rkecis lists ${RESOURCE_NAMES.join(', ')}`,
});
const namespaceName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name (RFC 1123 label)');

const target = z
  .enum(['self', 'entries', 'self-and-entries'])
  .default('self')
  .describe(
    'self: the paths themselves; entries: the entries of each folder (not descended into); self-and-entries: both',
  );
const containerName = z.string().min(1);
const hostPath = z
  .string()
  .regex(/^\//, 'an absolute path')
  .refine((p) => !p.split('/').includes('..'), {
    error: 'a path without ".." (it could lead out of --root)',
  });

/**
 * A glob on the names of a folder's entries: `*` any run of characters (a leading dot too, unlike
 * a shell: a hidden key file is still a key file), `?` one character, anything else itself. A
 * name only: a `/` or a `..` could name a file outside the folder, and out of --root.
 */
const nameGlob = z
  .string()
  .min(1)
  .refine((g) => !g.includes('/') && !g.includes('\0') && g !== '.' && g !== '..', {
    error: 'a glob on entry names (* and ?), without "/" and not "." or ".." (it could lead out of the folder)',
  });

/**
 * A path read from a container's flag (its value, else `default` when the control gives one), in
 * the container's filesystem: mapped to the host's through the container's bind mounts.
 */
export const pathFromSchema = z
  .object({
    container: containerName,
    flag: flagName,
    default: hostPath.optional().describe('The path the component uses when the flag is not set'),
  })
  .strict();
export type PathFrom = z.infer<typeof pathFromSchema>;

const fileTarget = {
  paths: z.array(hostPath).min(1).optional(),
  from: pathFromSchema.optional().describe('The path from a container flag, instead of paths'),
  target,
  match: z
    .array(nameGlob)
    .min(1)
    .optional()
    .describe('Only the entries whose names match one of these globs (default: every entry)'),
  exclude: z
    .array(nameGlob)
    .min(1)
    .optional()
    .describe('Leaves out the entries whose names match one of these globs'),
  empty: z
    .enum(['error', 'pass'])
    .optional()
    .describe('The verdict when no entry is judged (default error: nothing proven is no pass)'),
  optional: z
    .boolean()
    .optional()
    .describe(
      'If it exists, check it: a path that does not exist (or a `from` flag not set, without a default) is not-applicable',
    ),
};

function refineFiles(
  c: {
    paths?: unknown;
    from?: unknown;
    target: string;
    match?: unknown;
    exclude?: unknown;
    empty?: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  if ((c.paths === undefined) === (c.from === undefined))
    ctx.addIssue({ code: 'custom', message: 'a file check names either "paths" or "from"' });
  if (c.target === 'self')
    for (const key of ['match', 'exclude', 'empty'] as const)
      if (c[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" is about a folder's entries: give target entries or self-and-entries`,
        });
}

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
export type FlagTest = z.infer<typeof flagTestSchema>;
export type FieldTest = z.infer<typeof fieldTestSchema>;
export type ValueTest = z.infer<typeof valueTestSchema>;

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
