import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';
import { ErrorCode, ZooKeeperError, ZooKitError, isRetryable } from '../../src/errors.js';
import { errorFromCode } from '../../src/error-codes.js';

describe('errorFromCode', () => {
  // Every exported class bound to a code, keyed by that code.
  const classes = new Map<number, Function>();
  for (const value of Object.values(errors)) {
    if (typeof value === 'function' && value !== errors.RolledBackError && typeof (value as { code?: unknown }).code === 'number') {
      classes.set((value as unknown as { code: number }).code, value);
    }
  }

  it('every known non-OK code has its own class', () => {
    const codes = Object.values(ErrorCode).filter((c) => c !== 0);
    expect(codes.length).toBe(31);
    for (const code of codes) expect(classes.has(code), `class for ${code}`).toBe(true);
  });

  it.each(Object.entries(ErrorCode).filter(([, c]) => c !== 0))('%s (%d) gives its class with code, path and op', (name, code) => {
    const e = errorFromCode(code, { op: 'getData', path: '/cfg' });
    expect(e).toBeInstanceOf(classes.get(code)!);
    expect(e).toBeInstanceOf(ZooKeeperError);
    expect(e).toBeInstanceOf(ZooKitError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(code);
    expect(e.codeName).toBe(name);
    expect(e.op).toBe('getData');
    expect(e.path).toBe('/cfg');
    expect(e.message).toBe(`${name}: /cfg (getData)`);
    expect(e.name).toBe(classes.get(code)!.name);
    expect(e.stack).toBeTypeOf('string');
  });

  it('NONODE: /cfg (getData)', () => {
    const e = errorFromCode(-101, { op: 'getData', path: '/cfg' });
    expect(e).toBeInstanceOf(errors.NoNodeError);
    expect(e.message).toBe('NONODE: /cfg (getData)');
  });

  it('message without path or op', () => {
    expect(errorFromCode(-4).message).toBe('CONNECTIONLOSS');
    expect(errorFromCode(-4, { op: 'sync' }).message).toBe('CONNECTIONLOSS: (sync)');
    expect(errorFromCode(-4, { path: '/a' }).message).toBe('CONNECTIONLOSS: /a');
  });

  it('keeps a cause', () => {
    const cause = new Error('socket closed');
    expect(errorFromCode(-4, { op: 'get', cause }).cause).toBe(cause);
  });

  it('an unknown code gives a plain ZooKeeperError, no crash', () => {
    for (const code of [-9, -104, -126, -128, -1000, 1, 42, 0x7fffffff, -0x80000000]) {
      const e = errorFromCode(code, { op: 'create', path: '/x' });
      expect(e.constructor).toBe(ZooKeeperError);
      expect(e.code).toBe(code);
      expect(e.codeName).toBe(`UNKNOWN(${code})`);
      expect(e.message).toBe(`UNKNOWN(${code}): /x (create)`);
    }
  });

  it('OK (0) does not map to a subclass', () => {
    expect(errorFromCode(0).constructor).toBe(ZooKeeperError);
  });

  it('isRetryable: only connection loss and operation timeout', () => {
    expect(isRetryable(errorFromCode(-4))).toBe(true);
    expect(isRetryable(errorFromCode(-7))).toBe(true);
    expect(isRetryable(errorFromCode(-101))).toBe(false);
    expect(isRetryable(errorFromCode(-112))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});
