import { WireEventType } from '@zookit/protocol';
import type { WatchKind } from '../session/watch-sink.js';
import type { Watcher } from '../types.js';

export type { WatchKind };

// One watcher is stored bare; a Set appears only when a path has several,
// which keeps the common case to one Map entry per watched path.
type Slot = Watcher | Set<Watcher>;

class WatchMap {
  readonly map = new Map<string, Slot>();

  add(path: string, fn: Watcher): void {
    const slot = this.map.get(path);
    if (slot === undefined) this.map.set(path, fn);
    else if (typeof slot === 'function') {
      if (slot !== fn) this.map.set(path, new Set([slot, fn]));
    } else slot.add(fn);
  }

  /** Removes `fn` (or every watcher when omitted); returns whether any is left at `path`. */
  remove(path: string, fn?: Watcher): boolean {
    const slot = this.map.get(path);
    if (slot === undefined) return false;
    if (fn === undefined || slot === fn) {
      this.map.delete(path);
      return false;
    }
    if (typeof slot === 'function') return true;
    slot.delete(fn);
    if (slot.size === 0) {
      this.map.delete(path);
      return false;
    }
    return true;
  }

  has(path: string, fn?: Watcher): boolean {
    const slot = this.map.get(path);
    if (slot === undefined) return false;
    if (fn === undefined) return true;
    return typeof slot === 'function' ? slot === fn : slot.has(fn);
  }

  /** Moves the watchers at `path` into `out`; when `keep` they stay registered. */
  take(path: string, out: Set<Watcher>, keep: boolean): void {
    const slot = this.map.get(path);
    if (slot === undefined) return;
    if (typeof slot === 'function') out.add(slot);
    else for (const fn of slot) out.add(fn);
    if (!keep) this.map.delete(path);
  }

  count(): number {
    let n = 0;
    for (const slot of this.map.values()) n += typeof slot === 'function' ? 1 : slot.size;
    return n;
  }
}

/**
 * The client-side registry of one-shot (data, exist, child) and persistent
 * (plain and recursive) watches, keyed by server path (chroot included).
 */
export class WatchRegistry {
  readonly #maps: Record<WatchKind, WatchMap> = {
    data: new WatchMap(),
    exist: new WatchMap(),
    child: new WatchMap(),
    persistent: new WatchMap(),
    persistentRecursive: new WatchMap(),
  };

  add(kind: WatchKind, path: string, fn: Watcher): void {
    this.#maps[kind].add(path, fn);
  }

  /** Removes a watcher (or all of a kind at a path); returns whether any of that kind is left there. */
  remove(kind: WatchKind, path: string, fn?: Watcher): boolean {
    return this.#maps[kind].remove(path, fn);
  }

  has(kind: WatchKind, path: string, fn?: Watcher): boolean {
    return this.#maps[kind].has(path, fn);
  }

  /** Paths watched, per kind (for SetWatches after a reconnect). */
  paths(kind: WatchKind): string[] {
    return [...this.#maps[kind].map.keys()];
  }

  get hasPersistent(): boolean {
    return this.#maps.persistent.map.size > 0 || this.#maps.persistentRecursive.map.size > 0;
  }

  /** Number of watchers of each kind. */
  counts(): Record<WatchKind, number> {
    return {
      data: this.#maps.data.count(),
      exist: this.#maps.exist.count(),
      child: this.#maps.child.count(),
      persistent: this.#maps.persistent.count(),
      persistentRecursive: this.#maps.persistentRecursive.count(),
    };
  }

  /**
   * The watchers an event triggers, in ZooKeeper's routing: one-shot watches are
   * removed; persistent ones stay. Recursive watches see every event in their
   * subtree except child changes.
   */
  collect(type: number, path: string): Set<Watcher> {
    const out = new Set<Watcher>();
    const m = this.#maps;
    switch (type) {
      case WireEventType.NodeCreated:
      case WireEventType.NodeDataChanged:
        m.data.take(path, out, false);
        m.exist.take(path, out, false);
        break;
      case WireEventType.NodeDeleted:
        m.data.take(path, out, false);
        m.exist.take(path, out, false);
        m.child.take(path, out, false);
        break;
      case WireEventType.NodeChildrenChanged:
        m.child.take(path, out, false);
        break;
      default:
        return out;
    }
    m.persistent.take(path, out, true);
    if (type !== WireEventType.NodeChildrenChanged && m.persistentRecursive.map.size > 0) {
      let p = path;
      for (;;) {
        m.persistentRecursive.take(p, out, true);
        if (p === '/') break;
        const i = p.lastIndexOf('/');
        p = i <= 0 ? '/' : p.slice(0, i);
      }
    }
    return out;
  }

  /** Removes and returns every watcher (session loss). */
  drain(): Array<[string, Watcher]> {
    const out: Array<[string, Watcher]> = [];
    for (const m of Object.values(this.#maps)) {
      for (const [path, slot] of m.map) {
        if (typeof slot === 'function') out.push([path, slot]);
        else for (const fn of slot) out.push([path, fn]);
      }
      m.map.clear();
    }
    return out;
  }
}
