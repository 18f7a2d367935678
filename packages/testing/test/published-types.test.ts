// The published declarations (dist/, which scripts/test.sh builds before the tests run)
// show nothing internal: only the API, documented.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedTypes } from '../../../test-support/published-types.ts';

const PACKAGE = path.resolve(import.meta.dirname, '..');

describe('published types', () => {
  const types = publishedTypes(PACKAGE, ['index.d.ts', 'vitest.d.ts']);
  const all = [...types.values()].join('\n');

  it('carry no @internal member', () => {
    expect(all).not.toContain('@internal');
  });

  it('SpawnedClient is an interface: what NamespaceEnsemble.spawnClient returns, not a class to construct', () => {
    expect(types.get('spawned-client.d.ts')).toMatch(/export interface SpawnedClient extends NetEndpoint/);
    expect([...types.keys()]).not.toContain('spawned-process.d.ts');
  });
});
