// The layering rule against files placed in this repository's layout (nothing is read
// from the files themselves: ESLint lints the code given here under their names).
import path from 'node:path';
import { test } from 'node:test';
import { RuleTester } from 'eslint';
import layers from './layers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const at = (rel) => path.join(ROOT, rel);
const LAYERS = [
  { name: 'base', files: ['^(errors|types)\\.ts$'] },
  { name: 'transport', files: ['^transport/'] },
  { name: 'session', files: ['^session/'] },
  { name: 'client', files: ['.'] },
];
const options = [{ layers: { 'packages/client/src': LAYERS }, tiers: { '@zookit/protocol': 0, '@zookit/client': 1, '@zookit/recipes': 2 } }];

const tester = new RuleTester({ languageOptions: { ecmaVersion: 2023, sourceType: 'module' } });

test('zookit/layers', () => {
  tester.run('layers', layers, {
    valid: [
      { filename: at('packages/client/src/session/session.ts'), code: "import { x } from '../transport/socket-transport.js';", options },
      { filename: at('packages/client/src/session/session.ts'), code: "import { x } from './sasl.js'; import { y } from '../errors.js';", options },
      { filename: at('packages/client/src/client.ts'), code: "import { x } from './session/session.js';", options },
      { filename: at('packages/client/src/client.ts'), code: "import { Reader } from '@zookit/protocol';", options },
      { filename: at('packages/recipes/src/lock.ts'), code: "import { ZooKeeperClient } from '@zookit/client';", options },
      { filename: at('packages/client/test/a.test.ts'), code: "import { x } from '../src/session/session.js'; import { s } from '@zookit/testing/vitest';", options },
      { filename: at('packages/client/vitest.config.ts'), code: "import { c } from '../../vitest.shared.ts';", options },
    ],
    invalid: [
      { filename: at('packages/client/src/transport/framer.ts'), code: "import { x } from '../session/session.js';", options, errors: [{ messageId: 'up' }] },
      { filename: at('packages/client/src/errors.ts'), code: "export { x } from './client.js';", options, errors: [{ messageId: 'up' }] },
      { filename: at('packages/recipes/src/lock.ts'), code: "import { S } from '@zookit/client/dist/session/session.js';", options, errors: [{ messageId: 'deep' }] },
      { filename: at('packages/recipes/src/lock.ts'), code: "import { S } from '../../client/src/client.js';", options, errors: [{ messageId: 'reach' }] },
      { filename: at('examples/worker-fleet/test/a.test.ts'), code: "const m = await import('../../../packages/recipes/src/index.js');", options, errors: [{ messageId: 'reach' }] },
      { filename: at('packages/protocol/src/records.ts'), code: "import { ZooKeeperClient } from '@zookit/client';", options, errors: [{ messageId: 'tierUp' }] },
      { filename: at('packages/discovery/src/registry.ts'), code: "import { TreeCache } from '@zookit/recipes';", options, errors: [{ messageId: 'untiered' }] },
    ],
  });
});
