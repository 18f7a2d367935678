// The published declarations (dist/, which scripts/test.sh builds before the tests run)
// show nothing internal: only the API, documented.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = path.resolve(import.meta.dirname, '../dist');

/** The .d.ts files the published entry `entry` reaches through relative imports, by path from dist/, with their text. */
function published(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: string): void => {
    const key = path.relative(DIST, file);
    if (files.has(key)) return;
    const text = readFileSync(file, 'utf8');
    files.set(key, text);
    for (const m of text.matchAll(/(?:from |import\()'(\.[^']+)\.js'/g)) visit(path.resolve(path.dirname(file), `${m[1]}.d.ts`));
  };
  visit(path.join(DIST, entry));
  return files;
}

describe('published types', () => {
  const types = published('index.d.ts');
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
