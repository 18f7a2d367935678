// Runs every ```ts snippet of docs/discovery.md, in order, as one module against the shared
// test server (the connect string '127.0.0.1:2181' becomes the test server's, with a fresh
// chroot), and checks the `// → expected` comments against what it printed — the way
// packages/client/test/getting-started.test.ts runs docs/getting-started.md.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';

const DOC = path.resolve(import.meta.dirname, '../../../docs/discovery.md');
const OUT_DIR = path.join(import.meta.dirname, '.generated');
const DOC_HOSTS = "'127.0.0.1:2181'";

function tsBlocks(markdown: string): string[] {
  const fence = /^```ts([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  return [...markdown.matchAll(fence)].filter((m) => !/\bno-test\b/.test(m[1]!)).map((m) => m[2]!);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('docs/discovery.md', () => {
  it('has runnable snippets that print what the doc says', async () => {
    const blocks = tsBlocks(await readFile(DOC, 'utf8'));
    const source = blocks.join('\n');
    expect(source).toContain(DOC_HOSTS);
    const chroot = uniqueChroot('discovery-doc');
    const admin = new ZooKeeperClient({ hosts: inject('zkConnect') });
    await admin.start();
    try {
      await admin.ensurePath(chroot);
      await mkdir(OUT_DIR, { recursive: true });
      const file = path.join(OUT_DIR, `discovery-${path.basename(chroot)}.ts`);
      await writeFile(file, `// Generated from docs/discovery.md by docs.test.ts. Do not edit.\n${source.replaceAll(DOC_HOSTS, JSON.stringify(inject('zkConnect') + chroot))}`);
      const printed: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(' '));
      });
      await import(pathToFileURL(file).href);
      vi.restoreAllMocks();
      const expected = blocks.flatMap((b) => [...b.matchAll(/\/\/ → (.+)$/gm)].map((m) => m[1]!.trim()));
      expect(expected.length).toBeGreaterThan(10);
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
});
