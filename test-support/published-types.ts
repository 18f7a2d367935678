// The published declarations of a workspace package (its dist/, which scripts/test.sh builds
// before the tests run), read the way a user's TypeScript reaches them: for the
// packages' published-types tests, which check that they show nothing internal.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The .d.ts files the published entries reach through relative imports, by path from
 * `<packageDir>/dist/`, with their text.
 *
 * @param packageDir - the package directory (e.g. `path.resolve(import.meta.dirname, '..')`)
 * @param entries - entry declarations relative to dist/ (default `index.d.ts`)
 */
export function publishedTypes(packageDir: string, entries: readonly string[] = ['index.d.ts']): Map<string, string> {
  const dist = path.join(packageDir, 'dist');
  const files = new Map<string, string>();
  const visit = (file: string): void => {
    const key = path.relative(dist, file);
    if (files.has(key)) return;
    const text = readFileSync(file, 'utf8');
    files.set(key, text);
    for (const m of text.matchAll(/(?:from |import\()'(\.[^']+)\.js'/g)) visit(path.resolve(path.dirname(file), `${m[1]}.d.ts`));
  };
  for (const entry of entries) visit(path.join(dist, entry));
  return files;
}

/**
 * What is declared at module level (class, function, const, interface, type, enum) in the
 * reached files but not exported by the entry, as `file: Name` (files the entry re-exports
 * with `export *` are exported whole).
 */
export function unexportedDeclarations(types: ReadonlyMap<string, string>, entry = 'index.d.ts'): string[] {
  const text = types.get(entry) ?? '';
  const named = new Set([...text.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((n) => n.replace(/\btype\b/, '').trim())));
  const starred = new Set([...text.matchAll(/export \* from '\.\/(.+)\.js'/g)].map((m) => `${m[1]}.d.ts`));
  return [...types].filter(([file]) => file !== entry && !starred.has(file)).flatMap(([file, body]) =>
    [...body.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function|const|interface|type|enum) (\w+)/gm)]
      .map((m) => m[1]!).filter((name) => !named.has(name)).map((name) => `${file}: ${name}`));
}
