// Flat ESLint config: typescript-eslint's recommended rules, plus the architecture rule that keeps core/ free of edges.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'action/dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      '.e2e/**',
      'test/e2e/fixtures/**',
      'test/e2e/.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      // Prettier wraps code at 120; it cannot wrap a string, so long messages are the only longer lines.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
  {
    files: ['core/**/*.ts', 'sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode'],
              message: 'core/ and sandbox/ must not import vscode: keep the extension a thin edge.',
            },
            {
              group: ['@actions/*'],
              message: 'core/ and sandbox/ must not import @actions/*: keep the Action a thin edge.',
            },
            { group: ['../extension/*', '../action/*', '../cli/*'], message: 'core/ must not depend on an edge.' },
          ],
        },
      ],
    },
  },
  {
    // The domain is pure: the incident model, event log, config and rendering know nothing of HTTP or GitHub's API.
    files: ['core/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode', '@actions/*'], message: 'core/domain must not import an edge.' },
            {
              group: ['@octokit/*', 'bottleneck', 'bottleneck/*'],
              message: 'core/domain is pure: GitHub API access lives in core/github.',
            },
            {
              group: ['../github/*', '../use-cases/*', '../chat/*', '../*.ts', '../wiring', '../workspace'],
              message: 'core/domain depends on nothing else in core.',
            },
            {
              group: ['../../extension/*', '../../action/*', '../../cli/*'],
              message: 'core/ must not depend on an edge.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['core/github/**/*.ts', 'core/use-cases/**/*.ts', 'core/chat/**/*.ts', 'core/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode'], message: 'core/ must not import vscode: keep the extension a thin edge.' },
            { group: ['@actions/*'], message: 'core/ must not import @actions/*: keep the Action a thin edge.' },
            {
              group: [
                '../../extension/*',
                '../../action/*',
                '../../cli/*',
                '../extension/*',
                '../action/*',
                '../cli/*',
              ],
              message: 'core/ must not depend on an edge.',
            },
          ],
        },
      ],
    },
  },
);
