import { z } from 'zod';
import { flagName } from './schema-tests.js';

/**
 * What a file check of the profile format (schema.ts) judges: paths or a path from a container's
 * flag; the paths themselves, their folders' entries chosen by globs, or both; optional files.
 */

const target = z
  .enum(['self', 'entries', 'self-and-entries'])
  .default('self')
  .describe(
    'self: the paths themselves; entries: the entries of each folder (not descended into); self-and-entries: both',
  );
export const containerName = z.string().min(1);
export const hostPath = z
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

export const fileTarget = {
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

export function refineFiles(
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
