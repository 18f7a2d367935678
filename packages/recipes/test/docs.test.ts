// Runs the ```ts snippets of each recipe page written for the caches and membership recipes,
// page by page, as one module against the shared test server (a fresh chroot each), and
// checks the `// → expected` comments against what the page printed, in order.
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { describe, expect, inject, it } from 'vitest';
import { expectInOrder, expectedOutputs, runDocModule, tsBlocks } from '../../../test-support/doc-snippets.ts';

const DOCS = path.resolve(import.meta.dirname, '../../../docs/recipes');
const PAGES = ['tree-cache.md', 'shared-value.md', 'persistent-node.md', 'group-member.md', 'party.md', 'election.md', 'lock.md', 'semaphore.md', 'timed-lease.md', 'set-partitioner.md'];

describe('recipe pages', () => {
  for (const page of PAGES) {
    it(`docs/recipes/${page}: the snippets run and print what the page says`, async () => {
      const blocks = await tsBlocks(path.join(DOCS, page));
      const expected = expectedOutputs(blocks);
      expect(expected.length).toBeGreaterThan(1);
      const { printed } = await runDocModule(blocks.join('\n'), {
        page: `docs/recipes/${page}`,
        connectString: inject('zkConnect'),
        chroot: uniqueChroot('docs'),
        admin: (hosts) => new ZooKeeperClient({ hosts }),
        outDir: path.join(import.meta.dirname, '.generated'),
      });
      expectInOrder(printed, expected);
    });
  }
});
