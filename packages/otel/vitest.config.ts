import { zookitVitestConfig } from '../../vitest.shared.ts';

// Shared config: one ZooKeeper server per test project via @zookit/testing/vitest
// (tests read it with inject('zkConnect')); pass selection via ZOOKIT_TEST_PASS.
export default zookitVitestConfig({ packageDir: import.meta.dirname });
