import { zookitVitestConfig } from '../../vitest.shared.ts';

// Shared config with this package's global setup: two ZooKeeper servers (inject('zkConnect'),
// inject('zkConnect2')) so copy tools can go from one cluster to another.
export default zookitVitestConfig({ packageDir: import.meta.dirname, globalSetup: ['./test/global-setup.ts'] });
