// The published declarations (dist/, which scripts/test.sh builds before the tests run)
// show nothing internal: only the API, documented.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedTypes, unexportedDeclarations } from '../../../test-support/published-types.ts';

const PACKAGE = path.resolve(import.meta.dirname, '..');

describe('published types', () => {
  const types = publishedTypes(PACKAGE);
  const all = [...types.values()].join('\n');

  it('carry no @internal member, and not the cache engine', () => {
    expect(all).not.toContain('@internal');
    expect(all).not.toContain('CacheEngine');
    expect([...types.keys()]).not.toContain(path.join('tree-cache', 'engine.d.ts'));
  });

  it('declare nothing at module level that the entry does not export, but the base of the cache views', () => {
    expect(unexportedDeclarations(types)).toEqual([`${path.join('tree-cache', 'cache-view.d.ts')}: CacheView`]);
  });

  it('RecipeEmitter is exported and documented, with no public member beyond RecipeEvents', () => {
    expect(types.get('index.d.ts')).toMatch(/export \{ RecipeEmitter \}/);
    const emitter = types.get('emitter.d.ts')!;
    expect(emitter).toMatch(/\*\/\nexport declare class RecipeEmitter</);
    expect(emitter).not.toMatch(/export declare function/);
    const members = [...emitter.matchAll(/^ {4}(?!protected|#private|constructor)(\w+)[<(]/gm)].map((m) => m[1]);
    expect(members.sort()).toEqual(['listenerCount', 'off', 'on', 'once']);
  });
});
