import { describe, expect, inject, it } from 'vitest';
import { fourLetterWord } from '../src/index.js';
import { uniqueChroot } from '../src/vitest.js';

describe('vitest helpers', () => {
  it('provides a running server as zkConnect', async () => {
    const connect = inject('zkConnect');
    const [host, port] = connect.split(',')[0]!.split(':');
    expect(await fourLetterWord(host!, Number(port), 'ruok')).toBe('imok');
  });

  it('makes unique chroots', () => {
    const a = uniqueChroot();
    const b = uniqueChroot('lock');
    expect(a).toMatch(/^\/t-[0-9a-f]{12}$/);
    expect(b).toMatch(/^\/lock-[0-9a-f]{12}$/);
    expect(uniqueChroot()).not.toBe(a);
    expect(() => uniqueChroot('a/b')).toThrow(RangeError);
  });
});
