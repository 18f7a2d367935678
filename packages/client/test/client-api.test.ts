import { inspect } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import {
  CallbackError, ClientClosedError, ConnectionLossError, InvalidArgumentError, NoNodeError, OperationTimeoutError, ZooKeeperClient, isRetryable, retry,
} from '../src/index.js';
import { connect } from './helpers.js';

describe('retry', () => {
  it('retries connection loss with backoff and gives up after maxTries', async () => {
    let calls = 0;
    const value = await retry(async () => {
      if (++calls < 3) throw new ConnectionLossError({ op: 'getData', path: '/x' });
      return 'ok';
    }, { delay: 1, maxTries: 5 });
    expect(value).toBe('ok');
    expect(calls).toBe(3);

    calls = 0;
    await expect(retry(async () => {
      calls++;
      throw new OperationTimeoutError();
    }, { delay: 1, maxTries: 4 })).rejects.toBeInstanceOf(OperationTimeoutError);
    expect(calls).toBe(4);
  });

  it('does not retry errors that are not retryable, and stops on abort', async () => {
    let calls = 0;
    await expect(retry(async () => {
      calls++;
      throw new NoNodeError({ path: '/x' });
    })).rejects.toBeInstanceOf(NoNodeError);
    expect(calls).toBe(1);
    expect(isRetryable(new NoNodeError())).toBe(false);
    const ac = new AbortController();
    const p = retry(async () => {
      ac.abort(new Error('enough'));
      throw new ConnectionLossError();
    }, { delay: 10_000, signal: ac.signal });
    await expect(p).rejects.toThrow('enough');
  });

  it('client.retry runs real operations', async () => {
    const zk = await connect();
    expect(await zk.retry(() => zk.create('/r', 'x'))).toBe('/r');
  });
});

describe('client surface', () => {
  it('refuses unknown options and bad connect strings at construction', () => {
    expect(() => new ZooKeeperClient({ hosts: '127.0.0.1:2181', bogus: 1 } as never)).toThrow(InvalidArgumentError);
    expect(() => new ZooKeeperClient({ hosts: '' })).toThrow(InvalidArgumentError);
    expect(() => new ZooKeeperClient({ hosts: '127.0.0.1:99999' })).toThrow(InvalidArgumentError);
    expect(() => new ZooKeeperClient({ hosts: '127.0.0.1:2181/bad/' })).toThrow(InvalidArgumentError);
    expect(() => new ZooKeeperClient({ sessionTimeout: -1 })).toThrow(InvalidArgumentError);
  });

  it('starts LOST, reports CONNECTED, isolates a throwing state listener registered first, and ends LOST after stop()', async () => {
    const zk = await connect();
    expect(zk.state).toBe('CONNECTED');
    const seen: string[] = [];
    const errors: Error[] = [];
    zk.on('error', (e) => errors.push(e));
    zk.addListener(() => {
      throw new Error('listener bug');
    });
    const removed = () => {
      throw new Error('removed listener');
    };
    zk.addListener(removed);
    zk.addListener((s, prev) => seen.push(`${prev}->${s}`));
    zk.removeListener(removed);
    zk.addListener(() => {
      throw new Error('listener bug 2');
    });
    await zk.stop();
    await zk.stop(); // idempotent
    expect(zk.state).toBe('LOST');
    await expect.poll(() => seen).toEqual(['CONNECTED->LOST']);
    expect(errors.every((e) => e instanceof CallbackError)).toBe(true);
    expect(errors.map((e) => (e.cause as Error).message)).toEqual(['listener bug', 'listener bug 2']);
  });

  it('states() yields every transition in order and ends on abort', async () => {
    const zk = await connect();
    const ac = new AbortController();
    const seen: string[] = [];
    const reader = (async () => {
      for await (const { state, previous } of zk.states({ signal: ac.signal })) {
        seen.push(`${previous}->${state}`);
        if (state === 'LOST') ac.abort();
      }
    })();
    await zk.stop();
    await reader;
    expect(seen).toEqual(['CONNECTED->LOST']);
  });

  it('waitForState resolves at once when already there and rejects after its timeout', async () => {
    const zk = await connect();
    await zk.waitForState('CONNECTED');
    await expect(zk.waitForState('SUSPENDED', { timeout: 50 })).rejects.toThrow(/not reached within 50 ms/);
    await expect(zk.waitForState('SUSPENDED', { timeout: 50 })).rejects.toBeInstanceOf(OperationTimeoutError);
    await expect(zk.waitForState('SUSPENDED', { signal: AbortSignal.abort(new Error('no')) })).rejects.toThrow('no');
    const waiting = zk.waitForState('SUSPENDED');
    await zk.stop();
    expect(zk.closed).toBe(true);
    await expect(waiting).rejects.toBeInstanceOf(ClientClosedError);
    await expect(zk.waitForState('CONNECTED')).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('never shows the session password in inspect() or JSON', async () => {
    const zk = await connect();
    const creds = zk[Symbol.for('zookit.sessionCredentials') as never] as () => { password: Buffer };
    const password = creds.call(zk).password;
    const text = inspect(zk, { depth: 10, showHidden: true }) + JSON.stringify(zk);
    for (const form of [password.toString('hex'), password.toString('base64'), password.toString('latin1')]) {
      expect(text.includes(form)).toBe(false);
    }
    expect(text).toContain(`0x${zk.sessionId.toString(16)}`);
  });

  it('await using closes the client at the end of the scope', async () => {
    let outer: ZooKeeperClient;
    {
      await using zk = new ZooKeeperClient({ hosts: inject('zkConnect') });
      await zk.start();
      outer = zk;
      expect(zk.state).toBe('CONNECTED');
    }
    expect(outer.state).toBe('LOST');
  });
});
