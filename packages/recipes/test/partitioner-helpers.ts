// Runs SetPartitioner members in the background and records each one's current assignment.
import type { ZooKeeperClient } from '@zookit/client';
import { SetPartitioner, type Assignment } from '../src/index.js';

/** A member consuming its partitioner: `current` is its assignment while the signal has not aborted. */
export class Member {
  readonly partitioner: SetPartitioner;
  readonly assignments: string[][] = [];
  current: Assignment | undefined;
  error: unknown;
  readonly done: Promise<void>;

  constructor(zk: ZooKeeperClient, path: string, items: string[], identifier: string, timeBoundary = 200) {
    this.partitioner = new SetPartitioner(zk, path, items, { identifier, timeBoundary });
    this.done = this.#consume();
  }

  async #consume(): Promise<void> {
    try {
      for await (const assignment of this.partitioner) {
        this.current = assignment;
        this.assignments.push([...assignment.items]);
        await new Promise((resolve) => assignment.signal.addEventListener('abort', resolve, { once: true }));
      }
    } catch (err) {
      this.error = err;
    }
  }

  /** The items held now (none while between assignments). */
  get items(): readonly string[] {
    return this.current && !this.current.signal.aborted ? this.current.items : [];
  }
}

/** Whether the members' current items split `items` exactly (each item once, none missing). */
export function splitsExactly(members: Member[], items: string[]): boolean {
  const all = members.flatMap((m) => m.items);
  return all.length === items.length && new Set(all).size === items.length && items.every((i) => all.includes(i));
}

/** Each item's lock holder session (the first kazoo contender under `<path>/locks/<item>`), read from the server. */
export async function lockHolders(zk: ZooKeeperClient, path: string, items: string[]): Promise<Map<string, bigint | undefined>> {
  const out = new Map<string, bigint | undefined>();
  for (const item of items) {
    const children = await zk.getChildren(`${path}/locks/${item}`).catch(() => [] as string[]);
    const first = children.sort((a, b) => Number(a.slice(-10)) - Number(b.slice(-10)))[0];
    const stat = first ? await zk.exists(`${path}/locks/${item}/${first}`) : null;
    out.set(item, stat?.ephemeralOwner);
  }
  return out;
}
