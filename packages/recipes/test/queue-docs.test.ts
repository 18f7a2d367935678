// Runs the ```ts snippets of docs/recipes/queue.md (those not marked no-test or fragment) as
// one module against the test server, in a fresh chroot, and checks the `// → expected` lines.
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { describe, expect, inject, it } from 'vitest';
import { expectedOutputs, runDocModule, tsBlocks } from '../../../test-support/doc-snippets.ts';

const DOC = path.resolve(import.meta.dirname, '../../../docs/recipes/queue.md');

describe('docs/recipes/queue.md', () => {
  it('its example runs and prints what the page says', async () => {
    const blocks = await tsBlocks(DOC);
    expect(blocks.length).toBeGreaterThan(0);
    const { printed } = await runDocModule(blocks.join('\n'), {
      page: 'docs/recipes/queue.md',
      connectString: inject('zkConnect'),
      chroot: uniqueChroot('queue-doc'),
      admin: (hosts) => new ZooKeeperClient({ hosts }),
      outDir: path.join(import.meta.dirname, '.generated'),
    });
    expect(printed).toEqual(expectedOutputs(blocks));
  });
});
