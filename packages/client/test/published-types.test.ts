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

  it('carry no @internal member, nor the dispatcher, nor the client\'s own helpers', () => {
    expect(all).not.toContain('@internal');
    expect(all).not.toMatch(/\bDispatcher\b/);
    expect(all).not.toMatch(/\berrorFromCode\b/);
    expect([...types.keys()].filter((f) => f.includes(path.sep))).toEqual([]); // nothing from watches/, session/, transport/
  });

  it('declare nothing at module level that the entry does not export, but the emitter base of ZooKeeperClient', () => {
    const entry = types.get('index.d.ts')!;
    const named = new Set([...entry.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((n) => n.replace(/\btype\b/, '').trim())));
    const starred = new Set([...entry.matchAll(/export \* from '\.\/(.+)\.js'/g)].map((m) => `${m[1]}.d.ts`));
    const extra = [...types].filter(([file]) => file !== 'index.d.ts' && !starred.has(file)).flatMap(([file, text]) =>
      [...text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function|const|interface|type|enum) (\w+)/gm)]
        .map((m) => m[1]!).filter((name) => !named.has(name)).map((name) => `${file}: ${name}`));
    expect(extra).toEqual(['events.d.ts: ConnectionEvents']);
  });
});
