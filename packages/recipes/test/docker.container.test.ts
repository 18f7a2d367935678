// @zookit/testing's container path, for real: a ZooKeeper server in a Docker container
// (image from ZOOKIT_ZOOKEEPER_IMAGE: in CI the Debian-built one from
// scripts/zookeeper-image.sh), with the client and a recipe against it. Runs in the
// "container" pass only (ZOOKIT_TEST_PASS=container), which .ci/run starts after
// bringing up dockerd; it needs a Docker engine and fails without one.
import { spawnSync } from 'node:child_process';
import { ConnectionState, ZooKeeperClient } from '@zookit/client';
import { expireSession, startServer, type ZooKeeperServer } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Lock, LockTimeoutError, OwnershipLostError } from '../src/index.js';

let server: ZooKeeperServer;

beforeAll(async () => {
  server = await startServer({ source: 'container' });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** A started client in a fresh chroot of the container server, stopped when the test ends. */
async function client(chroot: string, sessionTimeout = 4_000): Promise<ZooKeeperClient> {
  const zk = new ZooKeeperClient({ hosts: server.connectString + chroot, sessionTimeout });
  onTestFinished(() => zk.stop());
  await zk.start();
  await zk.ensurePath('/');
  return zk;
}

/** `docker inspect` state of a container, or 'absent'. */
function containerState(id: string): string {
  const r = spawnSync('docker', ['inspect', '--format', '{{.State.Status}}', id], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'absent';
}

describe('container server', () => {
  it('is a standalone ZooKeeper on a loopback port, run by a container', async () => {
    expect(server.source).toBe('container');
    expect(server.host).toBe('127.0.0.1');
    expect(await server.fourLetterWord('srvr')).toMatch(/^Mode: standalone$/m);
    const id = (server as ZooKeeperServer & { containerId: string }).containerId;
    expect(containerState(id)).toBe('running');

    const zk = await client(uniqueChroot('container'));
    await zk.create('/a', 'from a container');
    expect((await zk.get('/a')).data.toString()).toBe('from a container');
  });

  it('expires a session on the server: LOST, and its ephemeral node is gone', async () => {
    const chroot = uniqueChroot('container');
    const zk = await client(chroot);
    const observer = await client(chroot);
    await zk.create('/eph', null, { ephemeral: true });
    await expireSession(zk);
    await zk.waitForState(ConnectionState.LOST, { timeout: 10_000 });
    await expect.poll(() => observer.exists('/eph'), { timeout: 10_000 }).toBeNull();
  });

  it('a Lock excludes a second session, and passes to it when the holder session expires', async () => {
    const chroot = uniqueChroot('container');
    const [a, b] = [await client(chroot), await client(chroot)];
    const lockA = new Lock(a, '/locks/job', { identifier: 'a' });
    const lockB = new Lock(b, '/locks/job', { identifier: 'b' });
    const lease = await lockA.acquire({ timeout: 5_000 });
    await expect(lockB.acquire({ timeout: 300 })).rejects.toBeInstanceOf(LockTimeoutError);

    const waiting = lockB.acquire({ timeout: 15_000 });
    await expireSession(a);
    const next = await waiting;
    expect(lease.signal.aborted).toBe(true);
    expect(lease.signal.reason).toBeInstanceOf(OwnershipLostError);
    expect(next.fencingToken).toBeGreaterThan(lease.fencingToken);
    await next.release();
  });

  it('restart() keeps the port and the data; a client reconnects with its session', async () => {
    const chroot = uniqueChroot('container');
    const zk = await client(chroot, 20_000);
    await zk.create('/kept', 'yes');
    const suspended = zk.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
    await server.restart();
    await suspended;
    await zk.waitForState(ConnectionState.CONNECTED, { timeout: 20_000 });
    expect((await zk.get('/kept')).data.toString()).toBe('yes');
    await expect(server.pause()).rejects.toThrow(/pause\(\)/);
  });

  it('stop() removes the container', async () => {
    const second = await startServer({ source: 'container' });
    const id = (second as ZooKeeperServer & { containerId: string }).containerId;
    expect(containerState(id)).toBe('running');
    await second.stop();
    expect(containerState(id)).toBe('absent');
  });
});
