// Runs every ```ts snippet of docs/getting-started.md, in order, as one module against the
// shared test server, and checks the `// → expected` comments against what it printed.
// So the tutorial can't drift from the code.
//
// A block opened with ```ts no-test is skipped. The doc's connect string '127.0.0.1:2181'
// is replaced by the test server's, with a fresh chroot.
//
// The tutorial also uses @zookit/recipes (DataWatch, ChildrenWatch). It is not a declared
// dependency of this package (recipes depends on the client, not the other way round);
// it resolves through the workspace, and scripts/test.sh builds every package first.
import path from 'node:path';
import { uniqueChroot } from '@zookit/testing/vitest';
import { describe, expect, inject, it } from 'vitest';
import { expectInOrder, expectedOutputs, runDocModule, tsBlocks } from '../../../test-support/doc-snippets.ts';
import { ZooKeeperClient } from '../src/index.js';

const DOC = path.resolve(import.meta.dirname, '../../../docs/getting-started.md');

describe('docs/getting-started.md', () => {
  it('has runnable snippets that print what the doc says', async () => {
    const blocks = await tsBlocks(DOC);
    expect(blocks.length).toBeGreaterThan(10);
    // A fresh chroot, created first (the doc starts from an empty server).
    const { printed } = await runDocModule(blocks.join('\n'), {
      page: 'docs/getting-started.md',
      connectString: inject('zkConnect'),
      chroot: uniqueChroot('getting-started'),
      admin: (hosts) => new ZooKeeperClient({ hosts }),
      outDir: path.join(import.meta.dirname, '.generated'),
    });
    const expected = expectedOutputs(blocks);
    expect(expected.length).toBeGreaterThan(10);
    expectInOrder(printed, expected);
  });
});
