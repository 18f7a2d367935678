import { ConnectionState, ZooKeeperClient, sessionCredentials } from '@zookit/client';
import { FaultProxy } from '@zookit/testing';
import { describe, expect, inject, it } from 'vitest';
import { PersistentNode } from '../src/index.js';
import { harness } from './helpers.js';

const h = harness();
// ConnectRequest: [length 4][protocolVersion 4][lastZxidSeen 8][timeOut 4][sessionId 8]...
const SESSION_ID_AT = 20;

describe('PersistentNode under faults', () => {
  it('a node left by our previous session, still alive on the server, is deleted and re-created, not adopted', async () => {
    const [other] = await h.clients(1);
    const chroot = other!.chroot;
    const [host, port] = inject('zkConnect').split(':');
    // The client closes a session it lost locally as soon as it can reach the server again;
    // to leave that session alive, its close attempt goes out as a request for a new session.
    let rewrite: bigint | null = null;
    const proxy = await FaultProxy.start({
      target: { host: host!, port: Number(port) },
      onClientData: (chunk) => {
        if (rewrite === null || chunk.length < SESSION_ID_AT + 8 || chunk.readBigInt64BE(SESSION_ID_AT) !== rewrite) return chunk;
        const copy = Buffer.from(chunk);
        copy.writeBigInt64BE(0n, SESSION_ID_AT);
        return copy;
      },
    });
    const zk = new ZooKeeperClient({ hosts: proxy.connectString + chroot, sessionTimeout: 3_000 });
    let twin: ZooKeeperClient | undefined;
    try {
      zk.on('error', () => {});
      await zk.start();
      const node = new PersistentNode(zk, '/prev/me', 'x');
      const events: string[] = [];
      node.on('created', () => events.push('created'));
      node.on('lost', () => events.push('lost'));
      node.start();
      expect(await node.waitForInitialCreate({ timeout: 10_000 })).toBe(true);
      const first = zk.sessionId;
      const { password } = zk[sessionCredentials]()!;
      // Cut the client off; a twin takes the session over and keeps it (and the node) alive.
      proxy.refuse();
      proxy.cut();
      await zk.waitForState(ConnectionState.SUSPENDED, { timeout: 10_000 });
      twin = new ZooKeeperClient({ hosts: inject('zkConnect') + chroot, sessionTimeout: 3_000, session: { id: first, password } });
      twin.on('error', () => {});
      await twin.start();
      expect(twin.sessionId).toBe(first);
      // Disconnected longer than the session timeout: the client gives the session up.
      await zk.waitForState(ConnectionState.LOST, { timeout: 15_000 });
      rewrite = first;
      proxy.heal();
      await zk.waitForState(ConnectionState.CONNECTED, { timeout: 15_000 });
      expect(zk.sessionId).not.toBe(first);
      // The old session still holds the name; the node is replaced by one of the new session.
      await expect.poll(async () => (await other!.exists('/prev/me'))?.ephemeralOwner, { timeout: 10_000 }).toBe(zk.sessionId);
      expect(twin.state).toBe(ConnectionState.CONNECTED);
      expect(events).toEqual(['created', 'lost', 'created']);
      expect(node.present).toBe(true);
      await node.close();
      expect(await other!.exists('/prev/me')).toBeNull();
    } finally {
      await twin?.close();
      await zk.close();
      await proxy.close();
    }
  });
});
