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

  it('carry no @internal member, and not the cache engine', () => {
    expect(all).not.toContain('@internal');
    expect(all).not.toContain('CacheEngine');
    expect([...types.keys()]).not.toContain(path.join('tree-cache', 'engine.d.ts'));
  });

  it('declare nothing at module level that the entry does not export, but the base of the cache views', () => {
    const entry = types.get('index.d.ts')!;
    const named = new Set([...entry.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((n) => n.replace(/\btype\b/, '').trim())));
    const extra = [...types].filter(([file]) => file !== 'index.d.ts').flatMap(([file, text]) =>
      [...text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function|const|interface|type|enum) (\w+)/gm)]
        .map((m) => m[1]!).filter((name) => !named.has(name)).map((name) => `${file}: ${name}`));
    expect(extra).toEqual([`${path.join('tree-cache', 'cache-view.d.ts')}: CacheView`]);
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
