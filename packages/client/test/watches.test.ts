import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NoNodeError, type WatchedEvent } from '../src/index.js';
import { connect, deferred, Inbox } from './helpers.js';

describe('one-shot watches', () => {
  it('exists watch fires CREATED, then a data watch fires CHANGED and DELETED', async () => {
    const zk = await connect();
    const other = await connect({ chroot: zk.chroot });
    const created = deferred<WatchedEvent>();
    expect(await zk.exists('/n', { watch: created.resolve })).toBeNull();
    await other.create('/n', 'a');
    expect(await created.promise).toEqual({ type: 'CREATED', state: 'CONNECTED', path: '/n' });

    const changed = deferred<WatchedEvent>();
    await zk.get('/n', { watch: changed.resolve });
    await other.set('/n', 'b');
    expect((await changed.promise).type).toBe('CHANGED');

    const deleted = deferred<WatchedEvent>();
    await zk.exists('/n', { watch: deleted.resolve });
    await other.delete('/n');
    expect(await deleted.promise).toMatchObject({ type: 'DELETED', path: '/n' });
  });

  it('child watch fires CHILD once, and is one-shot', async () => {
    const zk = await connect();
    await zk.create('/p');
    const inbox = new Inbox<WatchedEvent>();
    await zk.getChildren('/p', { watch: inbox.push });
    await zk.create('/p/a');
    await zk.create('/p/b');
    await inbox.waitFor(1);
    // A round trip after the second change: had a second event been sent, it would have arrived first.
    await zk.sync('/p');
    await zk.exists('/p');
    expect(inbox.items).toEqual([{ type: 'CHILD', state: 'CONNECTED', path: '/p' }]);
  });

  it('delivers a watch event before the reply that shows the change', async () => {
    const zk = await connect();
    const other = await connect({ chroot: zk.chroot });
    await zk.create('/o', '0');
    const order: string[] = [];
    await zk.get('/o', { watch: () => order.push('event') });
    await other.set('/o', '1');
    const { data } = await zk.get('/o');
    order.push(`reply:${data.toString()}`);
    expect(order).toEqual(['event', 'reply:1']);
  });

  it('calls a watcher registered twice on one path once per event, and one that throws does not stop the others', async () => {
    const zk = await connect();
    await zk.create('/w');
    const errors: Error[] = [];
    zk.on('error', (e) => errors.push(e));
    const inbox = new Inbox<WatchedEvent>();
    const thrower = () => {
      throw new Error('listener bug');
    };
    await zk.exists('/w', { watch: thrower });
    await zk.exists('/w', { watch: inbox.push });
    await zk.get('/w', { watch: inbox.push });
    await zk.set('/w', 'x');
    await inbox.waitFor(1);
    await zk.sync('/w');
    expect(inbox.items).toHaveLength(1);
    expect(errors.map((e) => (e.cause as Error).message)).toEqual(['listener bug']);
  });
});

describe('persistent watches', () => {
  it('a watch travels with its request: none is left by a read that failed, an exists on a missing node leaves one', async () => {
    const zk = await connect();
    const inbox = new Inbox<WatchedEvent>();
    await expect(zk.get('/missing', { watch: inbox.push })).rejects.toBeInstanceOf(NoNodeError);
    await expect(zk.getChildren('/missing', { watch: inbox.push })).rejects.toBeInstanceOf(NoNodeError);
    await expect(zk.removeWatches('/missing', inbox.push, { local: true })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await zk.exists('/missing', { watch: inbox.push })).toBeNull();
    await zk.create('/missing', 'x');
    expect((await inbox.waitFor(1))[0]).toMatchObject({ type: 'CREATED', path: '/missing' });
    await zk.set('/missing', 'y');
    await zk.sync('/missing');
    expect(inbox.items).toHaveLength(1); // one-shot
  });

  it('addWatch sees every event at its node until removed', async () => {
    const zk = await connect();
    await zk.create('/pw', '0');
    const inbox = new Inbox<WatchedEvent>();
    await zk.addWatch('/pw', inbox.push);
    await zk.set('/pw', '1');
    await zk.set('/pw', '2');
    await zk.create('/pw/kid');
    await zk.delete('/pw/kid');
    await inbox.waitFor(4);
    expect(inbox.items.map((e) => e.type)).toEqual(['CHANGED', 'CHANGED', 'CHILD', 'CHILD']);
    await zk.removeWatches('/pw', inbox.push);
    await zk.set('/pw', '3');
    await zk.sync('/pw');
    await zk.exists('/pw');
    expect(inbox.items).toHaveLength(4);
  });

  it('a recursive watch sees the whole subtree but no child events', async () => {
    const zk = await connect();
    await zk.create('/r');
    const inbox = new Inbox<WatchedEvent>();
    await zk.addWatch('/r', inbox.push, { recursive: true });
    await zk.create('/r/a');
    await zk.create('/r/a/b', 'x');
    await zk.set('/r/a/b', 'y');
    await zk.delete('/r/a/b');
    await inbox.waitFor(4);
    expect(inbox.items.map((e) => `${e.type} ${e.path}`)).toEqual(['CREATED /r/a', 'CREATED /r/a/b', 'CHANGED /r/a/b', 'DELETED /r/a/b']);
  });

  it('watch() is an async iterator that ends on break and removes its watch', async () => {
    const zk = await connect();
    await zk.create('/it', '0');
    const seen: string[] = [];
    const stream = zk.watch('/it');
    const writer = (async () => {
      for (let i = 1; i <= 3; i++) await zk.set('/it', String(i));
    })();
    for await (const event of stream) {
      seen.push(event.type);
      if (seen.length === 3) break;
    }
    await writer;
    expect(seen).toEqual(['CHANGED', 'CHANGED', 'CHANGED']);
    await expect(zk.removeWatches('/it', undefined, { type: 'persistent' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('watch() rejects with the signal reason when aborted', async () => {
    const zk = await connect();
    await zk.create('/ab');
    const ac = new AbortController();
    const stream = zk.watch('/ab', { signal: ac.signal });
    const next = stream.next();
    ac.abort(new Error('stop watching'));
    await expect(next).rejects.toThrow('stop watching');
  });

  it('removeWatches on a one-shot watch stops it', async () => {
    const zk = await connect();
    await zk.create('/rm');
    const inbox = new Inbox<WatchedEvent>();
    await zk.get('/rm', { watch: inbox.push });
    await zk.removeWatches('/rm', inbox.push, { type: 'data' });
    await zk.set('/rm', 'x');
    await zk.sync('/rm');
    await zk.exists('/rm');
    expect(inbox.items).toEqual([]);
    await expect(zk.removeWatches('/rm', inbox.push, { type: 'data' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
