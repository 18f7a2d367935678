// Resuming a session by id and password (kazoo's client_id): the `session` option.
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { FaultProxy } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { InvalidArgumentError, sessionCredentials, type Logger } from '../src/index.js';
import { client } from './helpers.js';

/** A logger that keeps the error lines (a phase move the session's table does not allow is one). */
function errorLog(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  return { logger: { error: (m) => errors.push(m) }, errors };
}

describe('session credentials', () => {
  it('a second client resumes a live session by id and password: same session, its ephemeral node still owned', async () => {
    const [host, port] = inject('zkConnect').split(',')[0]!.split(':');
    const proxy = await FaultProxy.start({ target: { host: host!, port: Number(port) } });
    onTestFinished(() => proxy.close());
    const chroot = uniqueChroot();
    const first = client(proxy.connectString + chroot, { sessionTimeout: 10_000 });
    await first.start();
    await first.ensurePath('/');
    await first.create('/owned', 'x', { ephemeral: true });
    const creds = first[sessionCredentials]()!;
    proxy.refuse(); // the first process "dies": its connection goes, it cannot come back
    proxy.cut();
    await first.waitForState('SUSPENDED', { timeout: 10_000 });

    const { logger, errors } = errorLog();
    const second = client(inject('zkConnect') + chroot, { session: { id: creds.sessionId, password: creds.password }, logger });
    expect(second.sessionId).toBe(0n); // not started yet
    await second.start();
    expect(second.sessionId).toBe(creds.sessionId);
    expect((await second.exists('/owned'))?.ephemeralOwner).toBe(creds.sessionId);
    await first.stop();
    await second.stop(); // closes the session: its ephemeral node goes
    const check = client(inject('zkConnect') + chroot);
    await check.start();
    expect(await check.exists('/owned')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('a session the server does not know is expired: the client starts a new one', async () => {
    const { logger, errors } = errorLog();
    const zk = client(inject('zkConnect'), { session: { id: 0x7777_0000_0000_0001n, password: Buffer.alloc(16, 1) }, logger });
    const states: string[] = [];
    zk.on('state', (s) => states.push(s));
    await zk.start();
    expect(zk.sessionId).not.toBe(0x7777_0000_0000_0001n);
    expect(zk.sessionId).not.toBe(0n);
    await expect.poll(() => states).toEqual(['CONNECTED']);
    expect(errors).toEqual([]);
  });

  it('refuses malformed credentials at construction', () => {
    expect(() => client(inject('zkConnect'), { session: { id: 5n, password: Buffer.alloc(3) } })).toThrow(InvalidArgumentError);
    expect(() => client(inject('zkConnect'), { session: { id: 5 as never, password: Buffer.alloc(16) } })).toThrow(InvalidArgumentError);
    expect(() => client(inject('zkConnect'), { session: { id: 5n, password: Buffer.alloc(16), extra: 1 } as never })).toThrow(InvalidArgumentError);
  });
});
