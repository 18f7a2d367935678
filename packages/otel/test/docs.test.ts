// Runs the console-exporter app of docs/observability.md (its one ```ts snippet that connects
// to a server) against the shared test server (a fresh chroot), and checks what it printed:
// the `// →` lines, the console exporter's spans and its metrics. (Every ```ts snippet of
// the page is type-checked by scripts/consumer/docs-snippets.mjs.)
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { uniqueChroot } from '@zookit/testing/vitest';
import { describe, expect, inject, it } from 'vitest';
import { DOC_HOSTS, runDocModule, tsBlocks } from '../../../test-support/doc-snippets.ts';

const PAGE = path.resolve(import.meta.dirname, '../../../docs/observability.md');

describe('docs/observability.md', () => {
  it('the console exporter app runs and prints its spans and metrics', async () => {
    const blocks = (await tsBlocks(PAGE)).filter((code) => code.includes(DOC_HOSTS));
    expect(blocks).toHaveLength(1);
    const { printed, dirs } = await runDocModule(blocks[0]!, {
      page: 'docs/observability.md',
      connectString: inject('zkConnect'),
      chroot: uniqueChroot('docs'),
      admin: (hosts) => new ZooKeeperClient({ hosts }),
      outDir: path.join(import.meta.dirname, '.generated'),
    });
    expect(printed).toContain('hello');
    const objects = dirs as Array<Record<string, unknown>>;
    const spans = objects.filter((d) => 'traceId' in d).map((d) => d['name']);
    expect(spans).toEqual(['connect', 'create /otel-demo', 'getData /otel-demo']);
    const metrics = objects.filter((d) => 'descriptor' in d).map((d) => (d['descriptor'] as { name: string }).name);
    expect(metrics).toEqual(expect.arrayContaining(['db.client.operation.duration', 'zookit.client.requests.outstanding', 'zookit.client.connections']));
  });
});
