// ESLint: a few rules, each one catching a real bug or keeping the module graph
// readable. Layout is Prettier's business (`npm run format`), not ESLint's.
// Import cycles are checked by test/tools/import-cycles.ts (`npm run lint`):
// import-x/no-cycle skips type-only imports, and costs a fifth of the run.
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'data/', '.cache/', 'coverage/', 'docs/'] },

  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js', '**/*.svelte'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // The parser of a .svelte file's <script lang="ts">, also when import-x
        // reads a .svelte file to follow its imports.
        parser: tseslint.parser,
        // Type-aware rules (no-floating-promises) read the project's tsconfig.
        projectService: { allowDefaultProject: ['*.js', 'server/ingest/pipeline/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      'import-x/extensions': ['.ts', '.js', '.mjs', '.svelte'],
      // How import-x reads the files it follows, whatever the file being linted.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.js', '.mjs'], 'svelte-eslint-parser': ['.svelte'] },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // A promise nobody awaits loses its rejection: await it, catch it, or
      // mark a deliberate fire-and-forget with `void` (its errors handled inside).
      '@typescript-eslint/no-floating-promises': 'error',
      // Node's modules, then packages, then the project's own files; A to Z.
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', ['parent', 'sibling', 'index']],
          'newlines-between': 'never',
          alphabetize: { order: 'asc', caseInsensitive: true },
        },
      ],
    },
  },

  // .svelte files (and .svelte.ts rune modules) through Svelte's parser, their
  // scripts through TypeScript's (parserOptions.parser above).
  svelte.configs.base,
);
