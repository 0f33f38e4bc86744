import { z } from 'zod';
import { roleSchema } from '../evidence/schema.js';

/**
 * The waivers file: a list of accepted exceptions, each for one control, optionally for some
 * nodes or roles only. Strict like the profile format: an unknown key (a misspelled "expires")
 * is an error, never a waiver that silently never expires.
 */

export const WAIVERS_API_VERSION = 'rkecis.io/v1';
export const WAIVERS_KIND = 'Waivers';

/** A calendar date, YYYY-MM-DD, that exists (2025-02-30 does not). */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-12-31')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, 'not a calendar date');

const scopeSchema = z
  .object({
    nodes: z.array(z.string().min(1)).min(1).optional().describe('Node names (or hostnames)'),
    roles: z.array(roleSchema).min(1).optional().describe('Node roles'),
  })
  .strict()
  .refine(
    (s) => s.nodes !== undefined || s.roles !== undefined,
    'a scope needs "nodes" or "roles"',
  );

export const waiverSchema = z
  .object({
    control: z.string().regex(/^\d+(\.\d+)+$/, 'a control id like 1.1.21'),
    scope: scopeSchema.optional(),
    justification: z.string().trim().min(1, 'a waiver needs a justification'),
    approvedBy: z.string().trim().min(1).optional(),
    expires: isoDate.optional().describe('Last day the waiver applies (UTC)'),
  })
  .strict();
export type Waiver = z.infer<typeof waiverSchema>;

export const waiversFileSchema = z
  .object({
    apiVersion: z.literal(WAIVERS_API_VERSION),
    kind: z.literal(WAIVERS_KIND),
    profile: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, 'a profile name like rke-cis-1.5')
      .optional()
      .describe(
        'The profile these waivers are written for: a run judging by another profile refuses the file (control ids differ between CIS versions)',
      ),
    waivers: z.array(waiverSchema),
  })
  .strict();
export type WaiversFile = z.infer<typeof waiversFileSchema>;
