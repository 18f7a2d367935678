import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { basename, joinPath, parentOf, validatePath } from '../../src/paths.js';
import { prependChroot, stripChroot } from '../../src/chroot.js';

const ok = (p: string, seq = false) => expect(() => validatePath(p, seq), JSON.stringify(p)).not.toThrow();
const bad = (p: unknown, seq = false) => expect(() => validatePath(p, seq), JSON.stringify(p)).toThrow(InvalidArgumentError);

describe('validatePath', () => {
  it('accepts ordinary paths, the root, dots inside names and unicode', () => {
    for (const p of ['/', '/a', '/a/b/c', '/a.b', '/...', '/.a', '/a./b', '/a/..b', '/-_ ~', '/ünï/编码', '/a\u00a0b', '/\uf900', '/\uffef']) ok(p);
  });

  it('/zookeeper and its subtree may be read', () => {
    ok('/zookeeper');
    ok('/zookeeper/config');
    ok('/zookeeper/quota');
  });

  it('requires a leading /', () => {
    for (const p of ['', 'a', 'a/b', ' /a', './a']) bad(p);
    for (const p of ['', 'a']) bad(p, true);
  });

  it('rejects a non-string', () => {
    for (const p of [undefined, null, 1, {}, ['/a']]) bad(p);
  });

  it('refuses a trailing / unless sequential', () => {
    bad('/a/');
    bad('/a/b/');
    ok('/a/', true);
    ok('/a/b/', true);
    ok('/', true);
    ok('/a/lock-', true);
  });

  it('refuses empty segments', () => {
    for (const p of ['//', '//a', '/a//b', '/a/b//']) bad(p);
    bad('//', true);
    bad('/a//', true);
    bad('/a//b', true);
  });

  it('refuses . and .. segments', () => {
    for (const p of ['/.', '/..', '/a/.', '/a/..', '/./a', '/../a', '/a/./b', '/a/../b']) bad(p);
    bad('/./', true);
    bad('/a/../', true);
  });

  it('refuses NUL', () => {
    bad('/a\u0000b');
    bad('/\u0000');
    bad('/a\u0000/', true);
  });

  it('refuses the forbidden ranges, at their edges', () => {
    const forbidden = [0x01, 0x0a, 0x1f, 0x7f, 0x85, 0x9f, 0xd800, 0xdbff, 0xdc00, 0xe000, 0xf8ff, 0xfff0, 0xfffe, 0xffff];
    for (const c of forbidden) {
      bad(`/a${String.fromCharCode(c)}b`);
      bad(`/${String.fromCharCode(c)}`);
    }
    // Astral characters are surrogate pairs, so they are refused too.
    bad('/😀');
    const allowed = [0x20, 0x7e, 0xa0, 0xd7ff, 0xf900, 0xffef];
    for (const c of allowed) ok(`/a${String.fromCharCode(c)}b`);
  });

  it('names the argument in the error', () => {
    expect(() => validatePath('x', false, 'prefix')).toThrow(/invalid prefix/);
  });
});

describe('path helpers', () => {
  it('chroot prepend and strip are inverse', () => {
    expect(prependChroot('', '/a')).toBe('/a');
    expect(prependChroot('/app', '/')).toBe('/app');
    expect(prependChroot('/app', '/a')).toBe('/app/a');
    expect(stripChroot('/app', '/app')).toBe('/');
    expect(stripChroot('/app', '/app/a')).toBe('/a');
    expect(stripChroot('/app', '/apple')).toBe('/apple');
    expect(stripChroot('', '/x')).toBe('/x');
    for (const p of ['/', '/a', '/a/b']) expect(stripChroot('/app', prependChroot('/app', p))).toBe(p);
  });

  it('parentOf, basename, joinPath', () => {
    expect(parentOf('/a/b')).toBe('/a');
    expect(parentOf('/a')).toBe('/');
    expect(parentOf('/')).toBe('/');
    expect(basename('/a/b')).toBe('b');
    expect(basename('/')).toBe('');
    expect(joinPath('/', 'a')).toBe('/a');
    expect(joinPath('/a', 'b')).toBe('/a/b');
  });
});
