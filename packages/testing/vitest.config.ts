import { zookitVitestConfig } from '../../vitest.shared.ts';

// The harness tests its own (unbuilt) global setup.
export default zookitVitestConfig({ packageDir: import.meta.dirname, globalSetup: ['./src/vitest.ts'] });
