// Runs the ```ts snippets of docs/recipes/queue.md (those not marked no-test or fragment) as
// one module against the test server, in a fresh chroot, and checks the `// → expected` lines.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';

const DOC = path.resolve(import.meta.dirname, '../../../docs/recipes/queue.md');
const OUT_DIR = path.join(import.meta.dirname, '.generated');
const DOC_HOSTS = "'127.0.0.1:2181'";

afterEach(() => {
  vi.restoreAllMocks();
});

describe('docs/recipes/queue.md', () => {
  it('its example runs and prints what the page says', async () => {
    const markdown = await readFile(DOC, 'utf8');
    const blocks = [...markdown.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```\s*$/gm)].filter((m) => !/\b(no-test|fragment)\b/.test(m[1]!)).map((m) => m[2]!);
    expect(blocks.length).toBeGreaterThan(0);
    const source = blocks.join('\n');
    expect(source).toContain(DOC_HOSTS);
    const expected = [...source.matchAll(/\/\/ → (.+)$/gm)].map((m) => m[1]!.trim());
    const chroot = uniqueChroot('queue-doc');
    const admin = new ZooKeeperClient({ hosts: inject('zkConnect') });
    await admin.start();
    await mkdir(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, `queue-doc-${path.basename(chroot)}.ts`);
    try {
      await admin.ensurePath(chroot);
      await writeFile(file, `// Generated from docs/recipes/queue.md by queue-docs.test.ts.\n${source.replaceAll(DOC_HOSTS, JSON.stringify(inject('zkConnect') + chroot))}`);
      const printed: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
      await import(pathToFileURL(file).href);
      vi.restoreAllMocks();
      expect(printed).toEqual(expected);
    } finally {
      await rm(file, { force: true });
      await admin.delete(chroot, { recursive: true }).catch(() => {});
      await admin.close();
    }
  });
});
