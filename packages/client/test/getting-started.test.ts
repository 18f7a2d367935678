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
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { ZooKeeperClient } from '../src/index.js';

const DOC = path.resolve(import.meta.dirname, '../../../docs/getting-started.md');
const OUT_DIR = path.join(import.meta.dirname, '.generated');
const DOC_HOSTS = "'127.0.0.1:2181'";

/** The ```ts blocks of a Markdown file, without those marked `no-test`. */
export function tsBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```ts([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (const m of markdown.matchAll(fence)) {
    if (/\bno-test\b/.test(m[1]!)) continue;
    blocks.push(m[2]!);
  }
  return blocks;
}

/** The texts after `// → ` in the blocks, in order. */
export function expectedOutputs(blocks: readonly string[]): string[] {
  return blocks.flatMap((b) => [...b.matchAll(/\/\/ → (.+)$/gm)].map((m) => m[1]!.trim()));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('docs/getting-started.md', () => {
  it('has runnable snippets that print what the doc says', async () => {
    const markdown = await readFile(DOC, 'utf8');
    const blocks = tsBlocks(markdown);
    expect(blocks.length).toBeGreaterThan(10);
    const source = blocks.join('\n');
    expect(source).toContain(DOC_HOSTS);

    // A fresh chroot, created first (the doc starts from an empty server).
    const chroot = uniqueChroot('getting-started');
    const admin = new ZooKeeperClient({ hosts: inject('zkConnect') });
    await admin.start();
    try {
      await admin.ensurePath(chroot);
      const module = source.replaceAll(DOC_HOSTS, JSON.stringify(inject('zkConnect') + chroot));
      await mkdir(OUT_DIR, { recursive: true });
      const file = path.join(OUT_DIR, `getting-started-${path.basename(chroot)}.ts`);
      await writeFile(file, `// Generated from docs/getting-started.md by getting-started.test.ts. Do not edit.\n${module}`);

      const printed: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(' '));
      });
      await import(pathToFileURL(file).href);
      vi.restoreAllMocks();

      // Every expected line appears, in the doc's order (other lines may come between).
      const expected = expectedOutputs(blocks);
      expect(expected.length).toBeGreaterThan(10);
      let at = 0;
      for (const line of expected) {
        const found = printed.indexOf(line, at);
        expect(found, `expected "${line}" after line ${at} of:\n${printed.join('\n')}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
      await rm(file); // kept only when the test fails, to look at
    } finally {
      await admin.delete(chroot, { recursive: true }).catch(() => {});
      await admin.stop();
    }
  });
});
