import { InvalidArgumentError, joinPath, type ZooKeeperClient } from '@zookit/client';
import { recipePath } from './nodes.js';
import { RecipeEmitter } from './emitter.js';
import { PersistentNode } from './persistent-node.js';
import { ChildrenCache } from './tree-cache/children-cache.js';

/** Listeners of {@link GroupMember}. */
export interface GroupMemberEvents {
  /** The membership (or a member's data) changed; read `members()`. */
  changed: () => unknown;
}

/**
 * Membership in a group (Curator's GroupMember, same layout: an ephemeral node
 * `<group>/<memberId>` holding the member's data), so Curator and zookit members see each
 * other. The node is a {@link PersistentNode} (re-created after deletion and after a new
 * session); the group is a {@link ChildrenCache}. Unlike Curator, `members()` includes this
 * member only while its own node is confirmed to exist.
 *
 * ```ts
 * const me = new GroupMember(zk, '/groups/workers', 'worker-7', Buffer.from('10.0.0.7'));
 * me.on('changed', () => console.log([...me.members().keys()]));
 * await me.start();
 * ```
 */
export class GroupMember extends RecipeEmitter<GroupMemberEvents> implements AsyncDisposable {
  /** The group node. */
  readonly groupPath: string;
  /** This member's id (its node's name). */
  readonly memberId: string;
  readonly #node: PersistentNode;
  readonly #cache: ChildrenCache;

  constructor(zk: ZooKeeperClient, groupPath: string, memberId: string, data: Buffer | Uint8Array | string = Buffer.alloc(0)) {
    super(zk, 'GroupMember');
    this.groupPath = recipePath(groupPath);
    if (typeof memberId !== 'string' || memberId === '' || memberId.includes('/') || memberId === '.' || memberId === '..') {
      throw new InvalidArgumentError('memberId', `must be one node name, got ${JSON.stringify(memberId)}`);
    }
    this.memberId = memberId;
    this.#node = new PersistentNode(zk, joinPath(this.groupPath, memberId), data, { mode: 'ephemeral' });
    this.#cache = new ChildrenCache(zk, this.groupPath);
    const changed = () => this.emit('changed');
    for (const ev of ['created', 'changed', 'deleted'] as const) this.#cache.on(ev, changed);
    this.#node.on('created', changed);
    this.#node.on('lost', changed);
  }

  /** Whether this member's node is confirmed to exist right now. */
  get isMember(): boolean {
    return this.#node.present;
  }

  /** True while the view of the group may be out of date. */
  get stale(): boolean {
    return this.#cache.stale;
  }

  /** Joins (in the background) and starts watching the group; resolves once the group is read. */
  async start(): Promise<void> {
    this.#node.start();
    await this.#cache.start();
  }

  /** Resolves true once this member's node first exists, false after `timeout` ms. */
  waitForJoin(options: { timeout?: number } = {}): Promise<boolean> {
    return this.#node.waitForInitialCreate(options);
  }

  /** Members by id with their data, sorted by id; this member only while its node is confirmed. */
  members(): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const [id, node] of this.#cache.current()) {
      if (id === this.memberId && !this.#node.present) continue;
      out.set(id, node.data ?? Buffer.alloc(0));
    }
    if (this.#node.present && !out.has(this.memberId)) {
      out.set(this.memberId, this.#node.data);
      return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return out;
  }

  /** Changes this member's data. */
  setData(data: Buffer | Uint8Array | string): Promise<void> {
    return this.#node.setData(data);
  }

  /** Leaves the group (its node is deleted) and stops watching. */
  async close(): Promise<void> {
    await this.#cache.close();
    await this.#node.close();
  }

  /** `await using` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
