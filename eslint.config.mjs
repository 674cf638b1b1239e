// Flat config: typescript-eslint's type-aware recommended rules on every .ts file, plus the
// rules that keep workflow code deterministic (no Node built-ins, no forgotten promises).
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// Both `fs` and `node:fs` forms; `_stream_wrap` and friends are internal aliases nobody imports.
const nodeBuiltins = builtinModules
  .filter((name) => !name.startsWith('_'))
  .flatMap((name) => (name.startsWith('node:') ? [name] : [name, `node:${name}`]));

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'coverage/', '.cache/', '.data/', 'test-artifacts/', 'bench/results/', 'bench/chaos/results/'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Activities and stand-ins implement async interfaces; an `async` body without `await` is fine there.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // The workflow sandbox has no Node built-ins; type-only imports are erased and harmless.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node built-ins. Do I/O in an activity.',
            allowTypeImports: true,
          })),
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // jest's matchers (expect.any, expect.objectContaining) are typed `any`; passing methods to expect() is normal.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', __filename: 'readonly' },
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
