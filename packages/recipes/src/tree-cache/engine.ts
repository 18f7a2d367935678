// The cache engine behind TreeCache, NodeCache and ChildrenCache (not exported as such).
import {
  ClientClosedError, ConnectionState, EventType, InvalidArgumentError, SessionExpiredError, basename, isRetryable, parentOf, validatePath,
  type WatchedEvent, type ZooKeeperClient,
} from '@zookit/client';
import { RecipeStateError } from '../errors.js';
import { report } from '../connection.js';
import { traverse } from './loader.js';
import { NodeReads } from './reads.js';
import type { CacheChange, CachedNode, TreeCacheOptions } from './types.js';

interface Entry {
  data: Buffer | null;
  stat: CachedNode['stat'];
  children: Set<string> | null;
}

type Obs = readonly [path: string, node: CachedNode | null];

/** A read whose results wait their turn: results are applied strictly in the order the reads were sent. */
interface Slot {
  gen: number;
  done: boolean;
  obs: Obs[];
  error: unknown;
  /** A marker: runs when every earlier read has been applied. */
  run?: () => void;
}

/** What the engine tells its view. */
export interface EngineHooks {
  change(change: CacheChange): void;
  ready(first: boolean): void;
  stale(): void;
  /** The first load failed for a reason other than the connection (NoAuth, a server without persistent watches). */
  failed(error: unknown): void;
}

const RETRY_MS = 200;

/**
 * One persistent watch on the root (recursive unless only the root is cached), re-added on
 * every (re)connect; every event is answered by a read of the node, and every read's result
 * is applied in the order the reads were sent (= server order), so a result never
 * overwrites a newer one. After a reconnect or a new session the whole subtree is read
 * again into a fresh map (events meanwhile land there too) and the view is replaced by
 * it, emitting the true difference: deleted+created when `czxid` differs, changed when
 * `mzxid` moved.
 */
export class CacheEngine {
  readonly root: string;
  readonly #zk: ZooKeeperClient;
  readonly #hooks: EngineHooks;
  readonly #maxDepth: number;
  readonly #filter: ((path: string) => boolean) | undefined;
  readonly #concurrency: number;
  readonly #batchSize: number;
  readonly #reads: NodeReads;
  #view = new Map<string, Entry>();
  #next: Map<string, CachedNode | null> | null = null;
  #gen = 0;
  readonly #fifo: Slot[] = [];
  #stale = true;
  #initialized = false;
  #started = false;
  #closed = false;
  #unobserve: () => void = () => {};

  constructor(zk: ZooKeeperClient, root: string, options: TreeCacheOptions, hooks: EngineHooks) {
    validatePath(root);
    const { maxDepth = Infinity, filter, dataless = false, concurrency = 8, batchSize = 100 } = options;
    if (maxDepth !== Infinity && (!Number.isInteger(maxDepth) || maxDepth < 0)) throw new InvalidArgumentError('maxDepth', 'must be a non-negative integer');
    if (filter !== undefined && typeof filter !== 'function') throw new InvalidArgumentError('filter', 'must be a function');
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError('concurrency', 'must be a positive integer');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', 'must be a positive integer');
    this.#zk = zk;
    this.root = root;
    this.#hooks = hooks;
    this.#maxDepth = maxDepth;
    this.#filter = filter;
    this.#concurrency = concurrency;
    this.#batchSize = batchSize;
    this.#reads = new NodeReads(zk, dataless);
  }

  get stale(): boolean {
    return this.#stale;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get size(): number {
    return this.#view.size;
  }

  /** The cached node at `path`. */
  get(path: string): CachedNode | undefined {
    const e = this.#view.get(path);
    return e ? { data: e.data, stat: e.stat } : undefined;
  }

  /** The cached children names of `path`, sorted (undefined when `path` is not cached). */
  children(path: string): string[] | undefined {
    const e = this.#view.get(path);
    return e ? [...(e.children ?? [])].sort() : undefined;
  }

  /** Every cached path (parents before children). */
  paths(): IterableIterator<string> {
    return this.#view.keys();
  }

  /** Depth of `path` below the root (0 for the root, -1 when outside it). */
  depth(path: string): number {
    if (path === this.root) return 0;
    const prefix = this.root === '/' ? '/' : this.root + '/';
    if (!path.startsWith(prefix)) return -1;
    let n = 1;
    for (let i = prefix.length; i < path.length; i++) if (path.charCodeAt(i) === 47) n++;
    return n;
  }

  /** Starts watching and loading; the first load's end is announced through `ready(true)`. */
  start(): void {
    if (this.#closed) throw new RecipeStateError('the cache is closed');
    if (this.#started) return;
    this.#started = true;
    // An observer runs before any user 'state' listener: the cache is stale before they run.
    this.#unobserve = this.#zk.observe({ state: this.#onState });
    if (this.#zk.state === ConnectionState.CONNECTED || this.#zk.state === ConnectionState.READ_ONLY) void this.#rebuild();
  }

  /** Stops: no more reads or events; the server-side watch is removed when connected. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#gen++;
    this.#next = null;
    this.#unobserve();
    if (!this.#started || this.#zk.closed) return;
    const local = this.#zk.state !== ConnectionState.CONNECTED;
    await this.#zk.removeWatches(this.root, this.#onWatch, { type: 'persistent', local }).catch(() => {});
  }

  readonly #onState = (state: ConnectionState): void => {
    if (this.#closed) return;
    if (state === ConnectionState.SUSPENDED || state === ConnectionState.LOST) this.#goStale();
    else void this.#rebuild();
  };

  #goStale(): void {
    this.#gen++;
    this.#next = null;
    if (this.#stale) return;
    this.#stale = true;
    this.#hooks.stale();
  }

  #included(path: string): boolean {
    const d = this.depth(path);
    if (d < 0 || d > this.#maxDepth) return false;
    if (d === 0 || !this.#filter) return true;
    try {
      return this.#filter(path) === true;
    } catch (err) {
      report(this.#zk, err);
      return false;
    }
  }

  readonly #onWatch = (event: WatchedEvent): void => {
    if (this.#closed || event.type === EventType.NONE || event.type === EventType.CHILD) return;
    if (!this.#included(event.path)) return;
    // Stale with no rebuild running: the next rebuild reads this node anyway.
    if (this.#stale && !this.#next) return;
    this.#ordered(this.#gen, this.#reads.nodes([event.path]), [event.path]).catch(() => {});
  };

  /** Reads the whole subtree again (after addWatch) and swaps the view; retried while connected. */
  async #rebuild(): Promise<void> {
    const gen = ++this.#gen;
    this.#next = null;
    for (let attempt = 0; !this.#closed && gen === this.#gen; attempt++) {
      try {
        await this.#zk.addWatch(this.root, this.#onWatch, { recursive: this.#maxDepth > 0 });
        if (gen !== this.#gen) return;
        this.#next = new Map();
        await traverse({
          nodes: (paths) => this.#ordered(gen, this.#reads.nodes(paths), paths),
          children: (paths) => this.#ordered(gen, this.#reads.children(paths), paths),
        }, {
          root: this.root,
          included: (p) => this.#included(p),
          descend: (p) => this.depth(p) < this.#maxDepth,
          concurrency: this.#concurrency,
          batchSize: this.#batchSize,
        });
        if (gen !== this.#gen) return;
        await new Promise<void>((resolve) => this.#enqueue({ gen, done: true, obs: [], error: undefined, run: () => resolve(this.#commit(gen)) }));
        return;
      } catch (err) {
        if (gen !== this.#gen || this.#closed) return;
        this.#next = null;
        if (err instanceof ClientClosedError || this.#zk.closed) return;
        if (!transient(err)) {
          // Not a connection problem: say so, stay stale until the next reconnect.
          report(this.#zk, err);
          if (!this.#initialized) this.#hooks.failed(err);
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(RETRY_MS * 2 ** attempt, 2_000)));
      }
    }
  }

  /** Sends nothing itself: queues `read`'s results to be applied after every earlier read's. */
  #ordered<T extends ReadonlyArray<CachedNode | string[] | null | undefined>>(gen: number, read: Promise<T>, paths: string[]): Promise<T> {
    const slot: Slot = { gen, done: false, obs: [], error: undefined };
    this.#enqueue(slot);
    read.then((res) => {
      slot.done = true;
      res.forEach((r, i) => {
        // A node read gives the node or null; a children listing says only "gone" (null).
        if (r === null) slot.obs.push([paths[i]!, null]);
        else if (r !== undefined && !Array.isArray(r)) slot.obs.push([paths[i]!, r as CachedNode]);
      });
      this.#drain();
    }, (err: unknown) => {
      slot.done = true;
      slot.error = err;
      this.#drain();
    });
    return read;
  }

  #enqueue(slot: Slot): void {
    this.#fifo.push(slot);
    if (slot.done) this.#drain();
  }

  #drain(): void {
    while (this.#fifo.length > 0 && this.#fifo[0]!.done) {
      const slot = this.#fifo.shift()!;
      if (slot.run) slot.run();
      else if (slot.error !== undefined) this.#readFailed(slot.gen, slot.error);
      else for (const [path, node] of slot.obs) this.#observe(slot.gen, path, node);
    }
  }

  #observe(gen: number, path: string, node: CachedNode | null): void {
    if (gen !== this.#gen || this.#closed) return;
    if (this.#next) this.#next.set(path, node);
    else if (!this.#stale) this.#applyLive(path, node);
  }

  /** A live read failed: if the connection is up, the view may have missed a change, so rebuild. */
  #readFailed(gen: number, err: unknown): void {
    if (gen !== this.#gen || this.#closed || this.#next || this.#stale) return;
    if (!transient(err)) report(this.#zk, err);
    const s = this.#zk.state;
    if (s !== ConnectionState.CONNECTED && s !== ConnectionState.READ_ONLY) return; // the state listener rebuilds
    this.#goStale();
    void this.#rebuild();
  }

  #applyLive(path: string, node: CachedNode | null): void {
    let cur = this.#view.get(path);
    if (!node) {
      if (cur) this.#removeSubtree(path);
      return;
    }
    if (path !== this.root && !this.#view.has(parentOf(path))) return; // its parent is not cached (filtered)
    if (cur && cur.stat.czxid !== node.stat.czxid) {
      this.#removeSubtree(path);
      cur = undefined;
    }
    if (!cur) {
      this.#view.set(path, { data: node.data, stat: node.stat, children: null });
      if (path !== this.root) this.#addChild(parentOf(path), basename(path));
      this.#hooks.change({ type: 'created', path, data: node.data, stat: node.stat });
    } else if (cur.stat.mzxid !== node.stat.mzxid) {
      const previous = { data: cur.data, stat: cur.stat };
      cur.data = node.data;
      cur.stat = node.stat;
      this.#hooks.change({ type: 'changed', path, data: node.data, stat: node.stat, previous });
    } else cur.stat = node.stat;
  }

  #addChild(parent: string, name: string): void {
    const p = this.#view.get(parent)!;
    (p.children ??= new Set()).add(name);
  }

  #removeSubtree(path: string): void {
    const e = this.#view.get(path);
    if (!e) return;
    for (const name of e.children ?? []) this.#removeSubtree(path === '/' ? `/${name}` : `${path}/${name}`);
    this.#view.delete(path);
    if (path !== this.root) this.#view.get(parentOf(path))?.children?.delete(basename(path));
    this.#hooks.change({ type: 'deleted', path, data: e.data, stat: e.stat });
  }

  /** Replaces the view with the rebuilt one and emits the difference; runs in read order. */
  #commit(gen: number): void {
    const next = this.#next;
    if (gen !== this.#gen || this.#closed || !next) return;
    this.#next = null;
    const built = this.#build(next);
    const old = this.#view;
    this.#view = built;
    this.#stale = false;
    const first = !this.#initialized;
    this.#initialized = true;
    for (const change of diff(old, built)) this.#hooks.change(change);
    this.#hooks.ready(first);
  }

  /** The view from a rebuild's observations: present nodes whose parent is present, parents first. */
  #build(next: Map<string, CachedNode | null>): Map<string, Entry> {
    const present: Array<[string, CachedNode, number]> = [];
    for (const [path, node] of next) if (node) present.push([path, node, this.depth(path)]);
    present.sort((a, b) => a[2] - b[2]);
    const built = new Map<string, Entry>();
    for (const [path, node] of present) {
      const isRoot = path === this.root;
      if (!isRoot && (!built.has(parentOf(path)) || !this.#included(path))) continue;
      built.set(path, { data: node.data, stat: node.stat, children: null });
      if (!isRoot) {
        const p = built.get(parentOf(path))!;
        (p.children ??= new Set()).add(basename(path));
      }
    }
    return built;
  }
}

function transient(err: unknown): boolean {
  return isRetryable(err) || err instanceof SessionExpiredError;
}

function depthOf(path: string): number {
  let n = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) n++;
  return n;
}

function byPath(a: CacheChange, b: CacheChange): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The true difference between two views: deletions deepest first, then creations and changes parents first (by path within a level). */
function diff(old: ReadonlyMap<string, Entry>, now: ReadonlyMap<string, Entry>): CacheChange[] {
  const gone: CacheChange[] = [];
  const added: CacheChange[] = [];
  for (const [path, e] of old) {
    const n = now.get(path);
    if (!n || n.stat.czxid !== e.stat.czxid) gone.push({ type: 'deleted', path, data: e.data, stat: e.stat });
  }
  for (const [path, n] of now) {
    const e = old.get(path);
    if (!e || e.stat.czxid !== n.stat.czxid) added.push({ type: 'created', path, data: n.data, stat: n.stat });
    else if (e.stat.mzxid !== n.stat.mzxid) added.push({ type: 'changed', path, data: n.data, stat: n.stat, previous: { data: e.data, stat: e.stat } });
  }
  gone.sort((a, b) => depthOf(b.path) - depthOf(a.path) || byPath(a, b));
  added.sort((a, b) => depthOf(a.path) - depthOf(b.path) || byPath(a, b));
  return [...gone, ...added];
}
