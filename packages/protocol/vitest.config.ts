import { zookitVitestConfig } from '../../vitest.shared.ts';

// The codec's tests need no ZooKeeper server.
export default zookitVitestConfig({ packageDir: import.meta.dirname, globalSetup: [] });
