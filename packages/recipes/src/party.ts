import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, NoNodeError, joinPath, type ZooKeeperClient } from '@zookit/client';
import { CancelledError, RecipeStateError, RecipeTimeoutError } from './errors.js';
import { recipePath } from './nodes.js';
import { PersistentNode } from './persistent-node.js';

const PARTY_NODE = '__party__';

/** What Party and ShallowParty share: the member node, join and leave. */
abstract class BaseParty {
  /** The party node. */
  readonly path: string;
  /** This member's identifier. */
  readonly identifier: string;
  protected readonly zk: ZooKeeperClient;
  #node: PersistentNode | null = null;
  readonly #name: string;

  protected constructor(zk: ZooKeeperClient, path: string, identifier: string, name: (uuid: string, id: string) => string) {
    this.zk = zk;
    this.path = recipePath(path);
    if (typeof identifier !== 'string') throw new InvalidArgumentError('identifier', 'must be a string');
    this.identifier = identifier;
    this.#name = name(randomUUID().replaceAll('-', ''), identifier);
  }

  /** Whether this member has joined (and not left). Its node is re-created after a deletion or a new session. */
  get participating(): boolean {
    return this.#node !== null;
  }

  /**
   * Joins: creates this member's ephemeral node (the party node too) and resolves once it
   * exists. @throws RecipeTimeoutError when not created within `timeout` ms (it keeps trying
   * until `leave()`); CancelledError when `leave()` came first; the server's error when the
   * create failed for another reason than the connection (NoAuth…)
   */
  async join(options: { timeout?: number } = {}): Promise<void> {
    if (this.#node) throw new RecipeStateError(`already joined ${this.path}`);
    const node = new PersistentNode(this.zk, joinPath(this.path, this.#name), this.identifier, { mode: 'ephemeral' });
    this.#node = node;
    node.start();
    if (await node.waitForInitialCreate(options)) return;
    if (this.#node !== node) throw new CancelledError(`left ${this.path} before the join completed`);
    if (node.lastError !== undefined) {
      this.#node = null;
      await node.close();
      throw node.lastError;
    }
    throw new RecipeTimeoutError(this.constructor.name, this.path, options.timeout ?? 0);
  }

  /** Leaves: deletes this member's node (across reconnects). */
  async leave(): Promise<void> {
    const node = this.#node;
    this.#node = null;
    await node?.close();
  }

  /** The members' identifiers, read from the server now. */
  abstract members(): Promise<string[]>;

  protected async children(): Promise<string[]> {
    try {
      return await this.zk.getChildren(this.path);
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }
}

/**
 * kazoo's Party, same layout: each member is an ephemeral node `<uuid-hex>__party__`
 * holding its identifier, so kazoo and zookit members of one party see each other. Unlike
 * kazoo's, a member is re-joined after its node is deleted and after a new session.
 *
 * ```ts
 * const party = new Party(zk, '/parties/render', 'worker-1');
 * await party.join();
 * await party.members();   // ['worker-1', ...]
 * await party.leave();
 * ```
 */
export class Party extends BaseParty {
  constructor(zk: ZooKeeperClient, path: string, identifier = '') {
    super(zk, path, identifier, (uuid) => uuid + PARTY_NODE);
  }

  async members(): Promise<string[]> {
    const names = (await this.children()).filter((c) => c.includes(PARTY_NODE));
    const ids = await Promise.all(names.map((c) => this.zk.get(joinPath(this.path, c)).then((r) => r.data.toString('utf8'), (err) => {
      if (err instanceof NoNodeError) return null; // left meanwhile
      throw err;
    })));
    return ids.filter((id): id is string => id !== null);
  }
}

/**
 * kazoo's ShallowParty, same layout: the identifier is in the node name
 * (`<uuid-hex>-<identifier>`), so listing the members is one read. The identifier must
 * be usable in a node name.
 */
export class ShallowParty extends BaseParty {
  constructor(zk: ZooKeeperClient, path: string, identifier = '') {
    if (typeof identifier === 'string' && identifier.includes('/')) throw new InvalidArgumentError('identifier', 'must not contain "/" (it is part of a node name)');
    super(zk, path, identifier, (uuid, id) => `${uuid}-${id}`);
  }

  async members(): Promise<string[]> {
    return (await this.children()).map((c) => c.slice(c.indexOf('-') + 1));
  }
}
