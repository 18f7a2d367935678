// The recipes' one wait primitive: a scope ends a wait by its timeout, the caller's
// signal or abort(), whichever comes first. No server needed.
import { describe, expect, it } from 'vitest';
import { LockTimeoutError, RecipeTimeoutError } from '../src/index.js';
import { Scope, deferred } from '../src/wait.js';

const never = () => deferred<void>().promise;

describe('Scope', () => {
  it('ends every race by its timeout, even when the timer fires before the clock reaches the deadline (200 short waits)', async () => {
    for (let i = 0; i < 200; i++) {
      const scope = new Scope('Test', '/t', { timeout: 1 + (i % 3) });
      const err = await scope.race(never()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RecipeTimeoutError);
      expect(scope.timedOut).toBe(true);
    }
  }, 10_000);

  it("uses the recipe's timeout error class and names the recipe and the path", async () => {
    const scope = new Scope('Lock', '/locks/a', { timeout: 5 }, LockTimeoutError);
    const err = await scope.race(never()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(err).toMatchObject({ recipe: 'Lock', path: '/locks/a', timeout: 5 });
  });

  it("rejects with the signal's reason when it aborts mid-race, and at once when it already has", async () => {
    const ac = new AbortController();
    const scope = new Scope('Test', '/t', { signal: ac.signal, timeout: 10_000 });
    const racing = scope.race(never());
    ac.abort(new Error('stop'));
    await expect(racing).rejects.toThrow('stop');
    expect(scope.timedOut).toBe(false);
    await expect(new Scope('Test', '/t', { signal: ac.signal }).race(Promise.resolve(1))).rejects.toThrow('stop');
  });

  it('abort() ends a pending race; the first reason wins; a settled promise wins over a later abort', async () => {
    const scope = new Scope('Test', '/t');
    expect(await scope.race(Promise.resolve('first'))).toBe('first');
    const racing = scope.race(never());
    scope.abort(new Error('cancelled'));
    scope.abort(new Error('second'));
    await expect(racing).rejects.toThrow('cancelled');
    expect(() => scope.check()).toThrow('cancelled');
  });

  it('without a race, check() sees a passed deadline by the clock (no timer needed)', async () => {
    const scope = new Scope('Test', '/t', { timeout: 0 });
    expect(() => scope.check()).toThrow(RecipeTimeoutError);
  });
});
