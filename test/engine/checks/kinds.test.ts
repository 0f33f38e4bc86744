import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import kinds from '../../../src/engine/checks/index.js';
import { checkSchema } from '../../../src/profiles/schema.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('check kinds', () => {
  it('the registry has a module for every kind the profile format defines, and no other', () => {
    const defined = checkSchema.options.map((o) => o.shape.kind.value);
    expect(Object.keys(kinds).sort()).toEqual([...defined].sort());
  });

  it.each(Object.keys(kinds))('%s has its own test file with its table', (kind) => {
    const file = join(here, `${kind}.test.ts`);
    expect(existsSync(file), file).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/\bcheckTester\(/);
  });
});

/** Diagnostics of one file, compiled with the project's options, its text possibly replaced. */
function diagnostics(file: string, text?: string): { line: number; message: string }[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(here, '../../../tsconfig.json'),
    { noEmit: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError) =>
    text !== undefined && resolve(name) === file
      ? ts.createSourceFile(name, text, version)
      : read(name, version, onError);
  const program = ts.createProgram([file], config.options, host);
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`${file} was not compiled`);
  return [
    ...program.getSyntacticDiagnostics(source),
    ...program.getSemanticDiagnostics(source),
  ].map((d) => ({
    line: source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

describe('a check kind lacking a part does not compile (registry.types.ts)', () => {
  const file = join(here, 'registry.types.ts');
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const markers = lines.flatMap((l, i) => (l.startsWith('// @ts-expect-error') ? [i + 1] : []));

  it('compiles with every expected error where its marker says', () => {
    expect(markers.length).toBeGreaterThanOrEqual(10);
    expect(diagnostics(file)).toEqual([]);
  });

  it('has a real error under every marker: without the markers, each line after one fails', () => {
    const unmarked = lines
      .map((l) => (l.startsWith('// @ts-expect-error') ? '// (an error expected here)' : l))
      .join('\n');
    const found = diagnostics(file, unmarked);
    const where = [...new Set(found.map((d) => d.line - 1))].sort((a, b) => a - b);
    expect(where, JSON.stringify(found, null, 2)).toEqual(markers);
  });
});
