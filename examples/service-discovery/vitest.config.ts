import { zookitVitestConfig } from '../../vitest.shared.ts';

export default zookitVitestConfig({ packageDir: import.meta.dirname });
