import { ConnectionState, sessionCredentials } from '@zookit/client';
import { expireSessionById } from '@zookit/testing';
import { describe, expect, inject, it } from 'vitest';
import { ChildrenWatch, Counter, DataWatch, OutcomeUnknownError } from '../src/index.js';
import { expire, harness } from './helpers.js';

const h = harness();
const SET_DATA = 5;

describe('watch helpers across faults', () => {
  it('DataWatch and ChildrenWatch deliver changes made while disconnected and re-arm after session expiry', async () => {
    const [zk, writer] = await h.clients(2, { sessionTimeout: 3_000, proxy: true });
    await writer!.create('/cfg', 'v1');
    await writer!.ensurePath('/workers');
    const data: (string | null)[] = [];
    const kids: string[][] = [];
    let notify: (() => void) | undefined;
    const changed = () => new Promise<void>((resolve) => (notify = resolve));
    let next = changed();
    new DataWatch(zk!, '/cfg', (d) => {
      data.push(d?.toString() ?? null);
      notify?.();
    });
    new ChildrenWatch(zk!, '/workers', (c) => {
      kids.push([...c].sort());
      notify?.();
    });
    await expect.poll(() => data.length + kids.length).toBe(2);
    // 1. a change while the connection is down (same session)
    zk!.proxy!.blackhole();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 });
    await writer!.set('/cfg', 'v2');
    await writer!.create('/workers/w1');
    zk!.proxy!.heal();
    await expect.poll(() => [data.at(-1), kids.at(-1)], { timeout: 10_000 }).toEqual(['v2', ['w1']]);
    // 2. session expiry: the helpers re-read and re-arm on the new session
    const lost = zk!.waitForState(ConnectionState.LOST, { timeout: 10_000 });
    await expire(zk!);
    await lost;
    await writer!.set('/cfg', 'v3');
    await expect.poll(() => data.at(-1), { timeout: 10_000 }).toBe('v3');
    await writer!.create('/workers/w2');
    await expect.poll(() => kids.at(-1), { timeout: 10_000 }).toEqual(['w1', 'w2']);
    next = changed();
    await writer!.set('/cfg', 'v4');
    await next;
    expect(data.at(-1)).toBe('v4');
  });

  it('Counter: an increment whose reply is lost is applied once or reported unknown, never twice', async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 4_000, proxy: true });
    const counter = new Counter(zk!, '/counters/lost');
    await counter.add(0);
    let expected = 0;
    let unknown = 0;
    for (let i = 0; i < 20; i++) {
      const cut = zk!.proxy!.cutAfterRequest(SET_DATA);
      try {
        await counter.add(1);
        expected++;
      } catch (err) {
        expect(err).toBeInstanceOf(OutcomeUnknownError);
        unknown++;
        expected++; // the cut fires after the server applied the write
      }
      cut.cancel();
      await zk!.waitForState(ConnectionState.CONNECTED, { timeout: 5_000 });
      expect(await counter.get()).toBe(expected);
    }
    expect(unknown).toBe(20);
  });

  it('Counter: an add() issued while SUSPENDED whose session then expires completes on the new session, applied once', async () => {
    const [zk] = await h.clients(1, { sessionTimeout: 4_000, proxy: true });
    const counter = new Counter(zk!, '/counters/expired');
    expect(await counter.add(5)).toBe(5);
    const creds = zk![sessionCredentials]()!;
    zk!.proxy!.refuse();
    zk!.proxy!.cut();
    await zk!.waitForState(ConnectionState.SUSPENDED, { timeout: 5_000 });
    // Its read waits for the connection; the session expires meanwhile (SessionExpired inside).
    const adding = counter.add(1).catch((e: unknown) => e);
    await expireSessionById(creds, { connectString: inject('zkConnect') });
    zk!.proxy!.heal();
    expect(await adding).toBe(6);
    expect(await counter.get()).toBe(6);
  });
});
