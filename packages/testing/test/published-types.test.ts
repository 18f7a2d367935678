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
  const types = new Map([...published('index.d.ts'), ...published('vitest.d.ts')]);
  const all = [...types.values()].join('\n');

  it('carry no @internal member', () => {
    expect(all).not.toContain('@internal');
  });

  it('SpawnedClient is an interface: what NamespaceEnsemble.spawnClient returns, not a class to construct', () => {
    expect(types.get('spawned-client.d.ts')).toMatch(/export interface SpawnedClient extends NetEndpoint/);
    expect([...types.keys()]).not.toContain('spawned-process.d.ts');
  });
});
