// Scenario 8, in-process variant: the holder's event loop stalls (Atomics.wait) for longer
// than its session timeout while a contender on another client waits. The waiter's
// session is long enough to survive the stall; the holder's is not.
import { ConnectionState } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { Lock, OwnershipLostError } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();
const HOLDER_SESSION = 2_000;
const STALL = 3_000;

/** Keeps the highest token; accepts `token >= max`, rejects lower (RELIABILITY.md helper). */
class FencedRegister {
  max = -1n;
  accepted: bigint[] = [];
  rejected: bigint[] = [];
  write(token: bigint): boolean {
    if (token < this.max) {
      this.rejected.push(token);
      return false;
    }
    this.max = token;
    this.accepted.push(token);
    return true;
  }
}

function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('scenario 8: holder stalled beyond its session timeout (in-process)', () => {
  for (const variant of ['idle connection', 'reply received just before the stall'] as const) {
    it(`${variant}: the lease reports lost before the waiter acquires; validUntil() is already past; the fenced register rejects the stale write`, async () => {
      const [holderZk] = await h.clients(1, { sessionTimeout: HOLDER_SESSION });
      const [waiterZk] = await h.clients(1, { sessionTimeout: 20_000 });
      const register = new FencedRegister();
      const unfenced: bigint[] = [];
      const order: string[] = [];
      const lease = await new Lock(holderZk!, '/locks/stall', { identifier: 'h' }).acquire();
      lease.signal.addEventListener('abort', () => order.push(`holder lost (${(lease.signal.reason as OwnershipLostError).reason})`));
      const waiting = new Lock(waiterZk!, '/locks/stall', { identifier: 'w' }).acquire({ timeout: 20_000 }).then((l) => {
        order.push('waiter acquired');
        expect(register.write(l.fencingToken)).toBe(true);
        unfenced.push(l.fencingToken);
        return l;
      });
      await expect.poll(() => waiterZk!.getChildren('/locks/stall').then((c) => c.length)).toBe(2);
      expect(register.write(lease.fencingToken)).toBe(true);
      if (variant === 'reply received just before the stall') await holderZk!.exists('/');

      const stalledAt = performance.now();
      stall(STALL);
      // Still inside the stalled task: nothing has run yet, so the flag still says held,
      // but the conservative local lease has visibly run out.
      expect(lease.isHeld).toBe(true);
      expect(lease.validUntil()!).toBeLessThan(performance.now());
      expect(lease.validUntil()!).toBeLessThan(stalledAt + HOLDER_SESSION);

      await macrotask(); // what the holder's work loop would do next
      const stateAtFirstTimer = holderZk!.state;
      const next = await waiting;
      expect(order[0]).toMatch(/^holder lost/); // before anything claimed ownership for the waiter
      expect(order).toContain('waiter acquired');
      expect(lease.isHeld).toBe(false);
      // The holder, unaware or not, tries its write with the old token: fenced → rejected.
      expect(register.write(lease.fencingToken)).toBe(false);
      unfenced.push(lease.fencingToken); // an unfenced register would have taken it
      expect(register.rejected).toEqual([lease.fencingToken]);
      expect(next.fencingToken).toBeGreaterThan(lease.fencingToken);
      console.log(
        `stall (${variant}): order ${JSON.stringify(order)}; holder state at the first timer after the stall: ${stateAtFirstTimer}; ` +
          `stale writes accepted: unfenced ${unfenced.filter((t) => t === lease.fencingToken).length}, fenced 0`,
      );
      await next.release();
      await holderZk!.waitForState(ConnectionState.CONNECTED, { timeout: 10_000 });
      expect(holderZk!.sessionId).not.toBe(lease.sessionId);
      expect(await waiterZk!.getChildren('/locks/stall')).toEqual([]);
    });
  }
});
