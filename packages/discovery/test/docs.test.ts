// Runs every ```ts snippet of docs/discovery.md, in order, as one module against the shared
// test server (the connect string '127.0.0.1:2181' becomes the test server's, with a fresh
// chroot), and checks the `// → expected` comments against what it printed.
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { describe, expect, inject, it } from 'vitest';
import { expectInOrder, expectedOutputs, runDocModule, tsBlocks } from '../../../test-support/doc-snippets.ts';

const DOC = path.resolve(import.meta.dirname, '../../../docs/discovery.md');

describe('docs/discovery.md', () => {
  it('has runnable snippets that print what the doc says', async () => {
    const blocks = await tsBlocks(DOC);
    const { printed } = await runDocModule(blocks.join('\n'), {
      page: 'docs/discovery.md',
      connectString: inject('zkConnect'),
      chroot: uniqueChroot('discovery-doc'),
      admin: (hosts) => new ZooKeeperClient({ hosts }),
      outDir: path.join(import.meta.dirname, '.generated'),
    });
    const expected = expectedOutputs(blocks);
    expect(expected.length).toBeGreaterThan(10);
    expectInOrder(printed, expected);
  });
});
