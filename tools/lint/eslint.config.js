// `npm run lint`: type-aware rules that catch lost promises and dead code, and the
// layering rule (zookit/layers) that keeps imports pointing down. Run from the
// repository root by scripts/lint.sh.
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './rules/layers.js';

/**
 * The client's layers, lowest first (paths relative to packages/client/src); a file is in
 * the first layer whose pattern matches. The files at the top of src are the foundation
 * every layer uses (errors, types, options, paths, ...), except the public surface
 * (client.ts and the modules behind it), which sits on top of watches.
 */
const CLIENT_SURFACE = '(client|operations|events|index)\\.ts$';
const CLIENT_LAYERS = [
  { name: 'base', files: [`^(?!${CLIENT_SURFACE})[^/]+\\.ts$`] },
  { name: 'transport', files: ['^transport/'] },
  { name: 'session', files: ['^session/'] },
  { name: 'watches', files: ['^watches/'] },
  { name: 'client', files: [`^${CLIENT_SURFACE}`] },
];

/** Packages by tier: a package's src imports only packages of a lower tier. */
const TIERS = {
  '@zookit/protocol': 0,
  '@zookit/client': 1,
  '@zookit/testing': 1,
  '@zookit/recipes': 2,
  '@zookit/discovery': 3,
  '@zookit/otel': 3,
  '@zookit/cli': 3,
  '@zookit/example-shared': 3,
  '@zookit/example-barrier-pipeline': 4,
  '@zookit/example-leader-service': 4,
  '@zookit/example-service-discovery': 4,
  '@zookit/example-worker-fleet': 4,
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'docs/**', 'tools/**', '**/.generated/**'] },
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parser: tseslint.parser,
      parserOptions: { project: [`${import.meta.dirname}/tsconfig.json`], tsconfigRootDir: `${import.meta.dirname}/../..` },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, zookit: { rules: { layers } } },
    rules: {
      // Lost promises: every promise is awaited, returned, or explicitly voided.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Dead code.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-unused-expressions': 'error',
      'no-unused-private-class-members': 'error',
      'no-unreachable': 'error',
      // Imports point down.
      'zookit/layers': ['error', { layers: { 'packages/client/src': CLIENT_LAYERS }, tiers: TIERS }],
    },
  },
  { files: ['**/*.{cjs,cts}'], languageOptions: { sourceType: 'commonjs' } },
);
