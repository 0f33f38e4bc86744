// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-bench/',
      'bench/results/',
      'coverage/',
      'node_modules/',
      'bin/',
      'test-artifacts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // A switch over a union (check kinds, a fix's or a plan's intents) names every member, so a
      // new member is a compile-time list of the places to handle it, not a silent fall-through.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // rkecis never runs evidence text through a shell (SECURITY.md).
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'node:child_process',
              importNames: ['exec', 'execSync'],
              message: 'exec runs a shell; use execFile/spawn without shell.',
            },
          ],
        },
      ],
    },
  },
  {
    // What `rkecis scan`, `collect` and `explain` load: no zod, no YAML profile loader, no
    // Kubernetes client, no store driver and no formatter at module load (README, Performance).
    // Types are free; anything else is imported with await import() where it is used.
    // docs/architecture.md, "Start-up", lists these files; test/architecture/startup.test.ts
    // checks that every file named here exists.
    files: [
      'src/text/**/*.ts',
      'src/base/errors.ts',
      'src/base/input-file.ts',
      'src/base/credential-file.ts',
      'src/base/version.ts',
      'src/evidence/constants.ts',
      'src/evidence/own.ts',
      'src/evidence/served.ts',
      'src/profiles/open.ts',
      'src/profiles/compiled.ts',
      'src/engine/**/*.ts',
      'src/report/**/*.ts',
      'src/collect/**/*.ts',
      'src/cli/main.ts',
      'src/cli/scan.ts',
      'src/cli/collect.ts',
      'src/cli/evaluate.ts',
      'src/cli/explain.ts',
      'src/cli/profiles.ts',
      'src/cli/report-output.ts',
      'src/cli/report-run.ts',
      'src/cli/save.ts',
      'src/cli/say.ts',
      'src/cli/seconds.ts',
      'src/cli/output.ts',
    ],
    ignores: ['src/collect/kube-client.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'zod',
                '@kubernetes/client-node',
                'better-sqlite3',
                'pg',
                'ssh2',
                '**/evidence/schema.js',
                '**/evidence/read.js',
                '**/profiles/schema.js',
                '**/profiles/load.js',
                '**/profiles/yaml.js',
                '**/base/yaml-file.js',
                '**/waivers/*',
                '**/store/history.js',
                '**/store/open.js',
                '**/engine/evaluate.js',
              ],
              allowTypeImports: true,
              message:
                'heavy at start-up: import types only, or await import() it where it is used (README, Performance)',
            },
            {
              // The format registry (report/formatters/index.ts) loads each formatter when used.
              group: [
                '**/report/formatters/{text,json,junit,sarif,markdown,html}.js',
                '**/report/formatters/cluster-*.js',
              ],
              allowTypeImports: true,
              message:
                'a formatter is loaded by the format registry when it is used (src/report/formatters/index.ts)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
