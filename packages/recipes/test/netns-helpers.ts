// Helpers of the network-namespace partition scenarios (netns-*.faults.test.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConnectionState, ZooKeeperClient } from '@zookit/client';
import { monotonicMs, startEnsemble, type NamespaceEnsemble, type NamespaceMember, type OperationHistory, type StartEnsembleOptions } from '@zookit/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Lease } from '../src/index.js';

/** Scripts run by `ensemble.spawnClient` (they import the workspace's built `dist/`). */
export const CLIENT_SCRIPTS = path.join(import.meta.dirname, 'netns-clients');

/** The spawned scripts load `@zookit/*` from `dist/`: fail with a clear message if unbuilt. */
export function requireBuilt(): void {
  for (const pkg of ['client', 'recipes']) {
    const entry = path.join(import.meta.dirname, '..', '..', pkg, 'dist', 'index.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx turbo run build\` first (spawned clients load the built packages)`);
  }
}

/** Connect string listing `first` before the other members (with `randomizeHosts: false`). */
export function hostsFirst(ens: NamespaceEnsemble, first: NamespaceMember): string {
  return [first, ...ens.servers.filter((s) => s !== first)].map((s) => s.connectString).join(',');
}

/** A started client of the test process, trying `first` before the others. */
export async function clientOn(
  ens: NamespaceEnsemble,
  first: NamespaceMember | undefined,
  options: { sessionTimeout?: number; readOnly?: boolean } = {},
  opened?: ZooKeeperClient[],
): Promise<ZooKeeperClient> {
  const zk = new ZooKeeperClient({
    hosts: first ? hostsFirst(ens, first) : ens.connectString,
    randomizeHosts: first === undefined,
    sessionTimeout: options.sessionTimeout ?? 4_000,
    connectTimeout: 30_000,
    ...(options.readOnly ? { readOnly: true } : {}),
  });
  opened?.push(zk);
  await zk.start();
  return zk;
}

/** The member `zk` is connected to, from `cons` on every member (bounded poll). */
export async function memberOf(ens: NamespaceEnsemble, zk: ZooKeeperClient): Promise<NamespaceMember | undefined> {
  const id = `0x${zk.sessionId.toString(16)}`;
  for (let i = 0; i < 100; i++) {
    for (const m of ens.servers) {
      const cons = await m.fourLetterWord('cons', 2_000).catch(() => '');
      if (cons.includes(`sid=${id}`)) return m;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

/** Every state change of `zk` with its {@link monotonicMs} time. */
export function recordStates(zk: ZooKeeperClient): Array<{ state: ConnectionState; at: number }> {
  const states: Array<{ state: ConnectionState; at: number }> = [];
  zk.on('state', (state) => states.push({ state, at: monotonicMs() }));
  return states;
}

/** First time `state` was reached at or after `after`. */
export function firstAt(states: ReadonlyArray<{ state: ConnectionState; at: number }>, state: ConnectionState, after = -Infinity): number | undefined {
  return states.find((s) => s.state === state && s.at >= after)?.at;
}

/**
 * Log a hold in `history`: `ok` with the lease's token now, and `end` at the earlier of the
 * lease's signal aborting and `endHold()` being called.
 */
export function logHold(history: OperationHistory, process: string, lease: Lease, f = 'acquire'): { endHold: () => void; abortedAt: () => number | undefined } {
  history.record({ process, type: 'ok', f, value: { token: String(lease.fencingToken) } });
  let abortedAt: number | undefined = lease.signal.aborted ? monotonicMs() : undefined;
  let ended = false;
  const end = (at: number): void => {
    if (ended) return;
    ended = true;
    history.record({ process, type: 'end', f, at });
  };
  if (abortedAt !== undefined) end(abortedAt);
  else
    lease.signal.addEventListener(
      'abort',
      () => {
        abortedAt = monotonicMs();
        end(abortedAt);
      },
      { once: true },
    );
  return { endHold: () => end(monotonicMs()), abortedAt: () => abortedAt };
}

/** Round to whole ms for the reports. */
export const ms = (x: number | undefined): string => (x === undefined ? 'n/a' : `${Math.round(x)} ms`);

/**
 * One ensemble in network namespaces for the file: started before its tests, stopped after
 * them; after each test every cut is healed, the clients pushed to `opened` are closed, and
 * the quorum is awaited. `current` is set once the file's `beforeAll` hooks ran.
 */
export function sharedNamespaceEnsemble(options: Omit<StartEnsembleOptions, 'network'>): { current: NamespaceEnsemble; opened: ZooKeeperClient[] } {
  const shared = { opened: [] } as unknown as { current: NamespaceEnsemble; opened: ZooKeeperClient[] };
  beforeAll(async () => {
    shared.current = await startEnsemble({ ...options, network: 'namespaces' });
  }, 90_000);
  afterEach(async () => {
    await shared.current.heal();
    await Promise.all(shared.opened.splice(0).map((c) => c.close().catch(() => {})));
    await shared.current.waitForQuorum(30_000);
  }, 60_000);
  afterAll(async () => {
    await shared.current?.stop();
  });
  return shared;
}
