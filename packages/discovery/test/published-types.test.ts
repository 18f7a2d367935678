// The published declarations (dist/, which scripts/test.sh builds before the tests run)
// show nothing internal: only the API, documented.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedTypes } from '../../../test-support/published-types.ts';

const PACKAGE = path.resolve(import.meta.dirname, '..');

describe('published types', () => {
  const types = publishedTypes(PACKAGE);
  const all = [...types.values()].join('\n');

  it('carry no @internal member and no internal helper', () => {
    expect(all).not.toContain('@internal');
    expect(all).not.toMatch(/\bcheckSegment\b/);
    expect([...types.keys()]).not.toContain('report.d.ts');
  });

  it('ServiceCache has no public report(), and the evented classes extend the recipes\' RecipeEmitter', () => {
    const cache = types.get('service-cache.d.ts')!;
    expect(cache).not.toMatch(/^\s+report\(/m);
    expect(cache).toMatch(/class ServiceCache<P = unknown> extends RecipeEmitter</);
    expect(types.get('service-discovery.d.ts')).toMatch(/class ServiceDiscovery<P = unknown> extends RecipeEmitter</);
  });
});
