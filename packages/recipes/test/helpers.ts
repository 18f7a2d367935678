import { CallbackError, ConnectionState, ZooKeeperClient } from '@zookit/client';
import { fourLetterWord } from '@zookit/testing';
import { chrootClients } from '@zookit/testing/vitest';
import { afterEach, beforeEach, expect, inject } from 'vitest';
import type { Election } from '../src/index.js';

/** Per-test harness: clients chrooted to one fresh path per test, optionally through a FaultProxy, closed after it. */
export const harness = () => chrootClients((config) => new ZooKeeperClient(config));

export { expireSharedSession as expire } from '@zookit/testing/vitest';

/** Makes each test of the file fail if it let a promise rejection go unhandled (a beforeEach/afterEach pair). */
export function noUnhandledRejections(): void {
  let unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
}

/** The CallbackErrors `zk` reports on its 'error' event from now on. */
export function callbackErrors(zk: ZooKeeperClient): CallbackError[] {
  const errors: CallbackError[] = [];
  zk.on('error', (err) => {
    if (err instanceof CallbackError) errors.push(err);
  });
  return errors;
}

/** Resolves when `signal` aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

/**
 * A shared history: each holder enters with its token, leaves later. Detects overlaps
 * beyond `capacity` and tokens that go backwards for exclusive holders.
 */
export class History {
  holders = new Set<string>();
  maxSeen = 0;
  lastToken = -1n;
  violations: string[] = [];
  acquisitions = 0;
  constructor(readonly capacity = 1) {}
  enter(id: string, token: bigint): void {
    this.acquisitions++;
    this.holders.add(id);
    this.maxSeen = Math.max(this.maxSeen, this.holders.size);
    if (this.holders.size > this.capacity) this.violations.push(`${[...this.holders].join(',')} hold at once`);
    if (this.capacity === 1) {
      if (token <= this.lastToken) this.violations.push(`token ${token} <= ${this.lastToken}`);
      this.lastToken = token;
    }
  }
  leave(id: string): void {
    this.holders.delete(id);
  }
}

/** One leadership term: from taking the lead until its signal aborted (`end`). */
export interface Interval {
  who: string;
  start: number;
  end?: number;
}

/** What {@link electionLoop} runs. */
export interface ElectionLoopOptions {
  zk: ZooKeeperClient;
  election: Election;
  /** The candidate's name in the log. */
  who: string;
  /** Every term is pushed here when it starts; its `end` is set when its signal aborts. */
  log: Interval[];
  /** Called at the start of each term. */
  onLeader: () => void;
  /** Stops the loop (as does closing `zk`). */
  stop: AbortSignal;
  /** How long to wait for CONNECTED after a failed run before trying again (ms). */
  reconnectTimeout: number;
}

/** Runs an Election like a service: one term after another (at most 1000), each held until its signal aborts. */
export async function electionLoop(o: ElectionLoopOptions): Promise<void> {
  const term = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const iv: Interval = { who: o.who, start: performance.now() };
      o.log.push(iv);
      const end = () => {
        iv.end = performance.now();
        resolve();
      };
      if (signal.aborted) end();
      else signal.addEventListener('abort', end, { once: true });
      o.onLeader();
    });
  for (let i = 0; i < 1_000 && !o.stop.aborted && !o.zk.closed; i++) {
    try {
      await o.election.run(term, { signal: o.stop });
    } catch {
      if (o.stop.aborted || o.zk.closed) return;
      await o.zk.waitForState(ConnectionState.CONNECTED, { timeout: o.reconnectTimeout }).catch(() => {});
    }
  }
}

/** Watched paths (one line per path and session) under `prefix`, from `wchc`. */
export async function watchedUnder(prefix: string): Promise<string[]> {
  const [host, port] = inject('zkConnect').split(':');
  const out = await fourLetterWord(host!, Number(port), 'wchc');
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l === prefix || l.startsWith(`${prefix}/`));
}
