// Runs the ```ts snippets of each recipe page written for the caches and membership recipes,
// page by page, as one module against the shared test server (a fresh chroot each), and
// checks the `// → expected` comments against what the page printed, in order.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';

const DOCS = path.resolve(import.meta.dirname, '../../../docs/recipes');
const OUT_DIR = path.join(import.meta.dirname, '.generated');
const DOC_HOSTS = "'127.0.0.1:2181'";
const PAGES = ['tree-cache.md', 'shared-value.md', 'persistent-node.md', 'group-member.md', 'party.md', 'election.md', 'lock.md', 'semaphore.md', 'timed-lease.md', 'set-partitioner.md'];

function tsBlocks(markdown: string): string[] {
  // A `fragment` (free names, a signature) cannot run; `no-test` is not checked at all.
  return [...markdown.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```\s*$/gm)].filter((m) => !/\b(no-test|fragment)\b/.test(m[1]!)).map((m) => m[2]!);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('recipe pages', () => {
  for (const page of PAGES) {
    it(`docs/recipes/${page}: the snippets run and print what the page says`, async () => {
      const blocks = tsBlocks(await readFile(path.join(DOCS, page), 'utf8'));
      const source = blocks.join('\n');
      expect(source).toContain(DOC_HOSTS);
      const expected = blocks.flatMap((b) => [...b.matchAll(/\/\/ → (.+)$/gm)].map((m) => m[1]!.trim()));
      expect(expected.length).toBeGreaterThan(1);
      const chroot = uniqueChroot('docs');
      const admin = new ZooKeeperClient({ hosts: inject('zkConnect') });
      await admin.start();
      try {
        await admin.ensurePath(chroot);
        await mkdir(OUT_DIR, { recursive: true });
        const file = path.join(OUT_DIR, `${path.basename(page, '.md')}-${path.basename(chroot)}.ts`);
        await writeFile(file, `// Generated from docs/recipes/${page} by docs.test.ts. Do not edit.\n${source.replaceAll(DOC_HOSTS, JSON.stringify(inject('zkConnect') + chroot))}`);
        const printed: string[] = [];
        vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
          printed.push(args.map(String).join(' '));
        });
        await import(pathToFileURL(file).href);
        vi.restoreAllMocks();
        let at = 0;
        for (const line of expected) {
          const found = printed.indexOf(line, at);
          expect(found, `expected "${line}" after line ${at} of:\n${printed.join('\n')}`).toBeGreaterThanOrEqual(0);
          at = found + 1;
        }
        await rm(file);
      } finally {
        await admin.delete(chroot, { recursive: true }).catch(() => {});
        await admin.stop();
      }
    });
  }
});
