// Flat ESLint config: typescript-eslint's recommended rules, plus the architecture rule that keeps core/ free of edges.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'action/dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', '.e2e/**', 'test/e2e/fixtures/**', 'test/e2e/.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', Buffer: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['core/**/*.ts', 'sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode'], message: 'core/ and sandbox/ must not import vscode: keep the extension a thin edge.' },
            { group: ['@actions/*'], message: 'core/ and sandbox/ must not import @actions/*: keep the Action a thin edge.' },
            { group: ['../extension/*', '../action/*', '../cli/*'], message: 'core/ must not depend on an edge.' },
          ],
        },
      ],
    },
  },
);
