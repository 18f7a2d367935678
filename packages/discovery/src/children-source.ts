// The children of one node with their data, kept current by one persistent recursive
// watch (not exported). It follows the TreeCache rules (DESIGN.md, wave 2): events are
// answered by reads of the node, never a re-read of the world; a rebuild runs only after a
// (re)connect and yields the true difference (czxid, mzxid); the view is `stale` from a
// suspension or a lost session until that rebuild is done. Its hooks are TreeCache's
// created/changed/deleted/stale/resynced, so the ServiceCache above it can move onto
// TreeCache with `maxDepth: 1` unchanged.
import {
  ConnectionState, EventType, NoNodeError, SessionExpiredError, isRetryable, type GetDataResult, type Stat, type WatchedEvent, type ZooKeeperClient,
} from '@zookit/client';
import { DiscoveryStateError } from './errors.js';
import { childrenOf, readData } from './read-instances.js';

/** A child as last read. */
export interface ChildNode {
  readonly data: Buffer;
  readonly stat: Stat;
}

/** What the source tells its view. */
export interface SourceHooks {
  created(child: string, node: ChildNode): void;
  changed(child: string, node: ChildNode): void;
  deleted(child: string, last: ChildNode): void;
  /** A rebuild is done (`first`: the initial load); the view is current again. */
  ready(first: boolean): void;
  stale(): void;
  error(err: Error): void;
}

interface Slot {
  seq: number;
  node: ChildNode | null;
}

export class ChildrenSource {
  readonly #zk: ZooKeeperClient;
  readonly #path: string;
  readonly #hooks: SourceHooks;
  readonly #view = new Map<string, Slot>();
  /** Children whose last applied read said "gone", with that read's number. */
  readonly #gone = new Map<string, number>();
  #seq = 0;
  #stale = true;
  #watching = false;
  #rebuilding: Promise<void> | null = null;
  #again = false;
  #first = true;
  #closed = false;
  #lastError: Error | null = null;
  /** While a rebuild reads, live results change the view without hooks (its difference reports them). */
  #quiet = false;

  readonly #onEvent = (e: WatchedEvent) => this.#event(e);
  readonly #onState = (state: ConnectionState, previous: ConnectionState) => {
    if (state === ConnectionState.CONNECTED) {
      if (previous !== ConnectionState.CONNECTED) void this.#rebuild();
    } else this.#markStale();
  };

  constructor(zk: ZooKeeperClient, path: string, hooks: SourceHooks) {
    this.#zk = zk;
    this.#path = path;
    this.#hooks = hooks;
  }

  get stale(): boolean {
    return this.#stale;
  }

  /** Every child currently known, with its node. */
  entries(): IterableIterator<[string, Slot]> {
    return this.#view.entries();
  }

  /** Starts watching; resolves after the first load (waiting for a connection, a bounded number of times). */
  async start(): Promise<void> {
    this.#zk.on('state', this.#onState);
    for (let i = 0; i < 3 && this.#stale && !this.#closed; i++) {
      if (this.#zk.state !== ConnectionState.CONNECTED) {
        await this.#zk.waitForState(ConnectionState.CONNECTED, { timeout: Math.max(this.#zk.sessionTimeout, 1_000) * 2 });
      }
      await this.#rebuild();
    }
    if (this.#stale) throw this.#lastError ?? new DiscoveryStateError(`the first load of ${this.#path} did not complete`);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#zk.off('state', this.#onState);
    if (this.#watching && this.#zk.state === ConnectionState.CONNECTED) {
      await this.#zk.removeWatches(this.#path, this.#onEvent, { type: 'persistent' }).catch(() => {});
    }
    this.#watching = false;
    this.#view.clear();
  }

  #markStale(): void {
    if (this.#stale || this.#closed) return;
    this.#stale = true;
    this.#hooks.stale();
  }

  #event(e: WatchedEvent): void {
    if (this.#closed) return;
    if (e.type === EventType.NONE) {
      // The session is gone and the client dropped the watch: add it again on the next connect.
      if (e.state === ConnectionState.LOST) this.#watching = false;
      return;
    }
    const prefix = this.#path + '/';
    if (!e.path.startsWith(prefix)) return;
    const child = e.path.slice(prefix.length);
    if (child.includes('/')) return;
    this.#refresh(child);
  }

  /**
   * Reads one child; its result is applied unless a newer read of it was applied first.
   * During a rebuild it changes the view silently: the rebuild's difference reports it.
   */
  #refresh(child: string): void {
    const seq = ++this.#seq;
    this.#zk.get(`${this.#path}/${child}`).then(
      (r) => this.#apply(child, seq, toNode(r), !this.#quiet),
      (err: unknown) => {
        if (err instanceof NoNodeError) this.#apply(child, seq, null, !this.#quiet);
        else if (!(isRetryable(err) || err instanceof SessionExpiredError)) this.#hooks.error(err as Error);
        // Connection problems: the rebuild after the reconnect reads it again.
      },
    );
  }

  #apply(child: string, seq: number, node: ChildNode | null, live: boolean): void {
    if (this.#closed) return;
    const cur = this.#view.get(child);
    if ((cur && cur.seq > seq) || (this.#gone.get(child) ?? -1) > seq) return;
    if (!node) {
      this.#gone.set(child, seq);
      if (!cur) return;
      this.#view.delete(child);
      if (live) this.#hooks.deleted(child, cur.node!);
      return;
    }
    this.#gone.delete(child);
    this.#view.set(child, { seq, node });
    if (!live) return;
    if (!cur) this.#hooks.created(child, node);
    else if (cur.node!.stat.czxid !== node.stat.czxid) {
      this.#hooks.deleted(child, cur.node!);
      this.#hooks.created(child, node);
    } else if (cur.node!.stat.mzxid !== node.stat.mzxid) this.#hooks.changed(child, node);
  }

  /** Re-reads every child (after a (re)connect), then reports the difference and `ready`. One at a time. */
  #rebuild(): Promise<void> {
    if (this.#rebuilding) {
      this.#again = true;
      return this.#rebuilding;
    }
    this.#rebuilding = (async () => {
      do {
        this.#again = false;
        await this.#rebuildOnce();
      } while (this.#again && !this.#closed);
    })().finally(() => (this.#rebuilding = null));
    return this.#rebuilding;
  }

  async #rebuildOnce(): Promise<void> {
    if (this.#closed || this.#zk.state !== ConnectionState.CONNECTED) return;
    let before: Map<string, ChildNode> | null = null;
    try {
      if (!this.#watching) {
        await this.#zk.addWatch(this.#path, this.#onEvent, { recursive: true });
        this.#watching = true;
      }
      before = new Map([...this.#view].map(([c, s]) => [c, s.node!]));
      this.#quiet = true;
      const listSeq = ++this.#seq;
      const children = await childrenOf(this.#zk, this.#path);
      const readSeq = ++this.#seq;
      const reads = await readData(this.#zk, children.map((c) => `${this.#path}/${c}`));
      children.forEach((c, i) => {
        const r = reads[i];
        this.#apply(c, readSeq, r ? toNode(r) : null, false);
      });
      const listed = new Set(children);
      for (const [c, s] of this.#view) if (s.seq < listSeq && !listed.has(c)) this.#view.delete(c);
      for (const [c, s] of this.#gone) if (s < listSeq) this.#gone.delete(c);
      this.#quiet = false;
      this.#diff(before);
      if (this.#zk.state !== ConnectionState.CONNECTED || this.#closed) return;
      this.#stale = false;
      const first = this.#first;
      this.#first = false;
      this.#hooks.ready(first);
    } catch (err) {
      if (this.#quiet && before) {
        // Live results applied meanwhile are real changes: report them.
        this.#quiet = false;
        this.#diff(before);
      }
      this.#lastError = err as Error;
      if (isRetryable(err) || err instanceof SessionExpiredError) return; // the next connect rebuilds
      this.#hooks.error(err as Error);
    }
  }

  #diff(before: Map<string, ChildNode>): void {
    for (const [c, old] of before) {
      const now = this.#view.get(c)?.node;
      if (!now) this.#hooks.deleted(c, old);
      else if (now.stat.czxid !== old.stat.czxid) {
        this.#hooks.deleted(c, old);
        this.#hooks.created(c, now);
      } else if (now.stat.mzxid !== old.stat.mzxid) this.#hooks.changed(c, now);
    }
    for (const [c, s] of this.#view) if (!before.has(c)) this.#hooks.created(c, s.node!);
  }
}

function toNode(r: GetDataResult): ChildNode {
  return { data: r.data, stat: r.stat };
}
