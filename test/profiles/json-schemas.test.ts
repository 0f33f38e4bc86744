import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/tools/json-schemas.js';

describe('schemas/ (JSON Schemas for editors and other tools)', () => {
  const generated = jsonSchemas();

  it.each(Object.keys(generated))(
    '%s is what the zod schemas generate (run npm run schemas after changing them)',
    (name) => {
      const committed = JSON.parse(readFileSync(`schemas/${name}`, 'utf8')) as unknown;
      expect(committed).toEqual(JSON.parse(JSON.stringify(generated[name])));
    },
  );

  it('describe groups of flag tests, nested to any depth', () => {
    const text = JSON.stringify(generated['profile-section.schema.json']);
    expect(text).toContain('"required":["match","tests"]');
    expect(text).toContain('"$ref"');
  });
});
