import { afterAll, beforeAll, inject, onTestFinished } from 'vitest';
import { startEnsemble, type EnsembleMember, type ZooKeeperEnsemble } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { ZooKeeperClient, sessionCredentials, type ClientOptions, type ConnectionState } from '../src/index.js';

/** A started client chrooted to a fresh path of the shared server; closed when the test ends. */
export async function connect(options: ClientOptions & { chroot?: string } = {}): Promise<ZooKeeperClient> {
  const { chroot = uniqueChroot(), ...rest } = options;
  const zk = new ZooKeeperClient({ hosts: inject('zkConnect') + chroot, sessionTimeout: 6_000, ...rest });
  onTestFinished(() => zk.stop());
  await zk.start();
  if (chroot) await zk.ensurePath('/');
  return zk;
}

/** A client on `hosts` (not started), closed when the test ends. */
export function client(hosts: string, options: ClientOptions = {}): ZooKeeperClient {
  const zk = new ZooKeeperClient({ hosts, sessionTimeout: 4_000, ...options });
  onTestFinished(() => zk.stop());
  return zk;
}

/** Records every state transition of a client. */
export function recordStates(zk: ZooKeeperClient): ConnectionState[] {
  const seen: ConnectionState[] = [];
  zk.on('state', (s) => seen.push(s));
  return seen;
}

/** A promise with its resolve function, for awaiting callbacks. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Collects values pushed by callbacks and lets a test await the n-th one. */
export class Inbox<T> {
  readonly items: T[] = [];
  #waiters: Array<{ n: number; resolve(): void }> = [];
  push = (item: T): void => {
    this.items.push(item);
    this.#waiters = this.#waiters.filter((w) => (this.items.length >= w.n ? (w.resolve(), false) : true));
  };
  /** Resolves once `n` items arrived (rejects after `timeout` ms). */
  async waitFor(n: number, timeout = 10_000): Promise<T[]> {
    if (this.items.length >= n) return this.items;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`waited ${timeout} ms for ${n} items, got ${this.items.length}`)), timeout);
      this.#waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
    });
    return this.items;
  }
}

/** The ensemble member a client is connected to (through its session credentials). */
export function memberOf(ensemble: ZooKeeperEnsemble, zk: ZooKeeperClient): EnsembleMember {
  const creds = zk[sessionCredentials]();
  const member = ensemble.servers.find((s) => s.port === creds?.port);
  if (!member) throw new Error('client is not connected to a member');
  return member;
}

/** One 3-node ensemble for the test file, stopped after it; read `.current` inside tests. */
export function sharedEnsemble(): { current: ZooKeeperEnsemble } {
  const holder = {} as { current: ZooKeeperEnsemble };
  beforeAll(async () => {
    holder.current = await startEnsemble({ size: 3 });
  }, 120_000);
  afterAll(async () => {
    await holder.current?.stop();
  });
  return holder;
}
