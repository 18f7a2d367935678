// Root vitest configuration: every workspace package with a vitest.config.ts is a project,
// so one file runs from the repository root with its package's setup (its ZooKeeper
// server, its pass selection):
//
//   npx vitest run packages/client/test/operations.test.ts
//
// scripts/test.sh runs the packages one by one (turbo) instead; this is for people.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts', 'bench/vitest.config.*'],
  },
});
