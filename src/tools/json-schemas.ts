import { z } from 'zod';
import { evidenceSchema } from '../evidence/schema.js';
import { profileMetaSchema, sectionFileSchema } from '../profiles/schema.js';

/**
 * JSON Schemas generated from the zod schemas (the single source of truth), committed under
 * schemas/ for editors and other tools. A test fails when the committed files drift.
 */
export function jsonSchemas(): Record<string, unknown> {
  const gen = (schema: z.ZodType, id: string, title: string): unknown => ({
    $id: `urn:rkecis:schema:${id}`,
    title,
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
  });
  return {
    'evidence.schema.json': gen(
      evidenceSchema,
      'evidence.schema.json',
      'rkecis node evidence (rkecis.io/v1)',
    ),
    'profile.schema.json': gen(profileMetaSchema, 'profile.schema.json', 'rkecis profile.yaml'),
    'profile-section.schema.json': gen(
      sectionFileSchema,
      'profile-section.schema.json',
      'rkecis profile section file',
    ),
  };
}
