// Shared vitest configuration for every workspace package.
//
// One test pass per run, chosen by ZOOKIT_TEST_PASS (scripts/test.sh sets it):
//   parallel (default)  test/**/*.test.ts except *.serial.test.ts and *.faults.test.ts,
//                       files in parallel
//   serial              test/**/*.serial.test.ts, one file at a time (ensembles, heavy)
//   faults              test/**/*.faults.test.ts, one file at a time (fault scenarios)
//   container           test/**/*.container.test.ts, one file at a time (servers in Docker
//                       containers; needs a Docker engine and ZOOKIT_ZOOKEEPER_IMAGE)
// When ZOOKIT_RESULTS_DIR is set, a JSON report is also written to
//   $ZOOKIT_RESULTS_DIR/<package-dir-name>-<pass>.json
// which scripts/summarize.mjs reads.
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** The test passes. */
export type TestPass = 'parallel' | 'serial' | 'faults' | 'container';

const PASS_FILES: Record<TestPass, string> = {
  parallel: 'test/**/*.test.ts',
  serial: 'test/**/*.serial.test.ts',
  faults: 'test/**/*.faults.test.ts',
  container: 'test/**/*.container.test.ts',
};

/** Options for {@link zookitVitestConfig}. */
export interface ZookitVitestOptions {
  /** The package directory (pass `import.meta.dirname`). */
  packageDir: string;
  /** Global setup modules; default: one shared ZooKeeper server via `@zookit/testing/vitest`. */
  globalSetup?: string[];
}

/** Resolve the current pass from the environment. */
function currentPass(): TestPass {
  const pass = process.env['ZOOKIT_TEST_PASS'] ?? 'parallel';
  if (!Object.hasOwn(PASS_FILES, pass)) {
    throw new Error(`ZOOKIT_TEST_PASS must be one of ${Object.keys(PASS_FILES).join(', ')} (got ${JSON.stringify(pass)})`);
  }
  return pass as TestPass;
}

/** Build a package's vitest config. */
export function zookitVitestConfig(options: ZookitVitestOptions) {
  const pass = currentPass();
  const name = path.basename(options.packageDir);
  const resultsDir = process.env['ZOOKIT_RESULTS_DIR'];
  const include = [PASS_FILES[pass]];
  const exclude = [
    '**/node_modules/**',
    '**/dist/**',
    ...(pass === 'parallel' ? ['**/*.serial.test.ts', '**/*.faults.test.ts', '**/*.container.test.ts'] : []),
  ];
  return defineConfig({
    test: {
      name,
      root: options.packageDir,
      include,
      exclude,
      fileParallelism: pass === 'parallel',
      passWithNoTests: true,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      teardownTimeout: 30_000,
      globalSetup: options.globalSetup ?? ['@zookit/testing/vitest'],
      reporters: resultsDir ? ['default', 'json'] : ['default'],
      ...(resultsDir ? { outputFile: { json: path.join(resultsDir, `${name}-${pass}.json`) } } : {}),
    },
  });
}
