// Runs the console-exporter app of docs/observability.md (its one ```ts snippet that connects
// to a server) against the shared test server (a fresh chroot), and checks what it printed:
// the `// →` lines, the console exporter's spans and its metrics. (Every ```ts snippet of
// the page is type-checked by scripts/consumer/docs-snippets.mjs.)
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';

const PAGE = path.resolve(import.meta.dirname, '../../../docs/observability.md');
const OUT_DIR = path.join(import.meta.dirname, '.generated');
const DOC_HOSTS = "'127.0.0.1:2181'";

afterEach(() => {
  vi.restoreAllMocks();
});

describe('docs/observability.md', () => {
  it('the console exporter app runs and prints its spans and metrics', async () => {
    const markdown = await readFile(PAGE, 'utf8');
    const blocks = [...markdown.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```\s*$/gm)]
      .filter((m) => !/\bno-test\b/.test(m[1]!))
      .map((m) => m[2]!)
      .filter((code) => code.includes(DOC_HOSTS));
    expect(blocks).toHaveLength(1);
    const source = blocks[0]!;
    const chroot = uniqueChroot('docs');
    const admin = new ZooKeeperClient({ hosts: inject('zkConnect') });
    await admin.start();
    await admin.ensurePath(chroot);
    await admin.close();
    await mkdir(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, `observability-${path.basename(chroot)}.ts`);
    await writeFile(file, `// Generated from docs/observability.md by docs.test.ts. Do not edit.\n${source.replaceAll(DOC_HOSTS, JSON.stringify(inject('zkConnect') + chroot))}`);
    const printed: string[] = [];
    const dirs: Array<Record<string, unknown>> = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    vi.spyOn(console, 'dir').mockImplementation((obj: unknown) => {
      dirs.push(obj as Record<string, unknown>);
    });
    try {
      await import(pathToFileURL(file).href);
    } finally {
      vi.restoreAllMocks();
      await rm(file, { force: true });
    }
    expect(printed).toContain('hello');
    const spans = dirs.filter((d) => 'traceId' in d).map((d) => d['name']);
    expect(spans).toEqual(['connect', 'create /otel-demo', 'getData /otel-demo']);
    const metrics = dirs.filter((d) => 'descriptor' in d).map((d) => (d['descriptor'] as { name: string }).name);
    expect(metrics).toEqual(expect.arrayContaining(['db.client.operation.duration', 'zookit.client.requests.outstanding', 'zookit.client.connections']));
  });
});
