// Flat config. The provider packages' root entry points load every resource class (~1.7 s and ~450 MB per
// process); only deep imports of the one class a file needs are allowed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const providerRootImport = {
  patterns: [
    {
      regex: '^@cdktf/provider-(google|kubernetes|helm)$',
      message: 'Import the class from its deep path, e.g. @cdktf/provider-google/lib/storage-bucket.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdktf.out/', 'cdktf.out.*/', '.gen/', '.jest-tmp/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', providerRootImport],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
