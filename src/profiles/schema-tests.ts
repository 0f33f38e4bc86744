import { z } from 'zod';
import { RESOURCE_NAMES, uncollectedField } from './k8s-resources.js';
import { linearTimeProblem } from './linear-regex.js';
import { OPERATOR_NAMES } from './operator-names.js';

/**
 * The tests of the profile format (schema.ts): on a flag, an environment variable, a key of a
 * --config file, a Kubernetes object's field, a file's content; their groups; the lists' filters.
 */

export const operatorSchema = z.enum(OPERATOR_NAMES, {
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

export const flagName = z.string().regex(/^--?[A-Za-z0-9][A-Za-z0-9-]*$/, 'a flag like --name');
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

export const match = z.enum(['all', 'any']).default('all');

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
export const fieldFilterSchema = z
  .object({ match, tests: z.array(fieldItemSchema).min(1) })
  .strict();
export type FieldFilter = z.infer<typeof fieldFilterSchema>;

export const resourceName = z.enum(RESOURCE_NAMES, {
  error: (issue) =>
    `unknown or unlisted Kubernetes resource ${JSON.stringify(issue.input)}; rkecis lists ${RESOURCE_NAMES.join(', ')}`,
});
export const namespaceName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name (RFC 1123 label)');

export type FlagTest = z.infer<typeof flagTestSchema>;
export type FieldTest = z.infer<typeof fieldTestSchema>;
export type ValueTest = z.infer<typeof valueTestSchema>;
