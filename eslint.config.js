// CommonJS because package.json has no "type": "module" (and must not: electron-vite would then emit
// ESM for the sandboxed preload, which Electron cannot load).
const { defineConfig } = require('eslint/config');
const js = require('@eslint/js');
const globals = require('globals');
const reactHooks = require('eslint-plugin-react-hooks');
const tseslint = require('typescript-eslint');

/** The only files that may touch Electron: one list, also read by tools/check-layers.ts. */
const { ELECTRON_FILES } = require('./tools/layers.cjs');

module.exports = defineConfig(
  { ignores: ['out/', 'dist/', 'node_modules/', 'release/', 'coverage/', 'test-output/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/main/**', 'src/api/**', 'test/**', 'bench/**', 'tools/**', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.flat.recommended.rules,
  },
  {
    files: ['src/**'],
    ignores: ELECTRON_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only the files listed in tools/layers.cjs may import electron.' },
          ],
          patterns: [
            {
              group: ['electron/*'],
              message: 'Only the files listed in tools/layers.cjs may import electron.',
            },
          ],
        },
      ],
    },
  },
);
