// The published declarations (dist/, which scripts/test.sh builds before the tests run)
// show nothing internal: only the API, documented.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedTypes, unexportedDeclarations } from '../../../test-support/published-types.ts';

const PACKAGE = path.resolve(import.meta.dirname, '..');

describe('published types', () => {
  const types = publishedTypes(PACKAGE);
  const all = [...types.values()].join('\n');

  it('carry no @internal member, nor the dispatcher, nor the client\'s own helpers', () => {
    expect(all).not.toContain('@internal');
    expect(all).not.toMatch(/\bDispatcher\b/);
    expect(all).not.toMatch(/\berrorFromCode\b/);
    expect([...types.keys()].filter((f) => f.includes(path.sep))).toEqual([]); // nothing from watches/, session/, transport/
  });

  it('declare nothing at module level that the entry does not export, but the emitter base of ZooKeeperClient', () => {
    expect(unexportedDeclarations(types)).toEqual(['events.d.ts: ConnectionEvents']);
  });
});
