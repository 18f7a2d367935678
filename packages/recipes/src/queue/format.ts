// The wire formats of DistributedQueue: where items and their locks live, how an item's
// node is named (priority, delay, sequence) and what its data holds. Not exported.
import { InvalidArgumentError, joinPath } from '@zookit/client';
import type { QueueFormatName } from './types.js';

/** What a node name says about its item. */
export interface ItemName {
  /** The node name under the items path. */
  readonly name: string;
  /** Lower first. */
  readonly priority: number;
  /** Epoch ms before which the item is not handed out (0: at once). */
  readonly until: number;
  /** The server's sequence number. */
  readonly seq: number;
  /** The name without its sequence: a requeued item is created again with it. */
  readonly prefix: string;
}

/** How one format lays out a queue. */
export interface QueueFormat {
  readonly name: QueueFormatName;
  /** Parent of the item nodes. */
  readonly items: string;
  /** Parent of the lock nodes (one per taken item, named as the item). */
  readonly locks: string;
  /** The name prefix of a new item (the server appends the sequence). @throws InvalidArgumentError */
  prefix(priority: number | undefined, until: number | undefined): string;
  /** The item behind a child name, or `undefined` for a foreign node. */
  parse(name: string): ItemName | undefined;
  /** The node data of one item. */
  encode(data: Buffer): Buffer;
  /** The items in a node's data (Curator may pack several in one node). @throws Error for data not in the format */
  decode(data: Buffer): Buffer[];
}

const SEQ = /^(.*?)(\d{10})$/;

/** Queue order: priority, then sequence. */
export function compareItems(a: ItemName, b: ItemName): number {
  return a.priority - b.priority || a.seq - b.seq;
}

function int32(priority: number): number {
  if (!Number.isInteger(priority) || priority < -2147483648 || priority > 2147483647) {
    throw new InvalidArgumentError('priority', `must be a 32-bit integer, got ${String(priority)}`);
  }
  return priority;
}

/** Curator's priority text: `1`/`0` for the sign, then the 32-bit two's complement in 8 hex digits. */
function priorityHex(priority: number): string {
  return (priority >= 0 ? '1' : '0') + (priority >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

function parsePriorityHex(text: string): number | undefined {
  if (!/^[01][0-9A-Fa-f]{8}$/.test(text)) return undefined;
  return Number.parseInt(text.slice(1), 16) | 0;
}

/** zookit: `items/item-<priority>-<until hex>-<seq>` and `locks/<item>`; raw data. */
function zookitFormat(path: string): QueueFormat {
  return {
    name: 'zookit', items: joinPath(path, 'items'), locks: joinPath(path, 'locks'),
    prefix: (priority = 0, until = 0) => `item-${priorityHex(int32(priority))}-${until.toString(16).padStart(12, '0')}-`,
    parse(name) {
      const m = /^item-([01][0-9A-F]{8})-([0-9a-f]{12})-(\d{10})$/.exec(name);
      if (!m) return undefined;
      return { name, priority: parsePriorityHex(m[1]!)!, until: Number.parseInt(m[2]!, 16), seq: Number(m[3]), prefix: name.slice(0, -10) };
    },
    encode: (data) => data,
    decode: (data) => [data],
  };
}

/**
 * Curator: items `queue-<seq>` directly under the queue path, `queue-<1|0><8 hex><seq>`
 * for DistributedPriorityQueue, `queue-|<epoch hex>|<seq>` for DistributedDelayQueue;
 * locks `<lockPath>/<item>`; data in Curator's item envelope.
 */
function curatorFormat(path: string, lockPath: string): QueueFormat {
  return {
    name: 'curator', items: path, locks: lockPath,
    prefix(priority, until) {
      if (priority !== undefined && until !== undefined) throw new InvalidArgumentError('options', 'a Curator queue item has a priority or a delay, not both');
      if (priority !== undefined) return `queue-${priorityHex(int32(priority))}`;
      if (until !== undefined) return `queue-|${until.toString(16).toUpperCase().padStart(8, '0')}|`;
      return 'queue-';
    },
    parse(name) {
      const m = SEQ.exec(name);
      if (!m || !m[1]!.startsWith('queue-')) return undefined;
      const middle = m[1]!.slice('queue-'.length);
      let priority = 0;
      let until = 0;
      const delay = /^\|([0-9A-Fa-f]+)\|$/.exec(middle);
      if (delay) until = Number.parseInt(delay[1]!, 16);
      else if (middle !== '') priority = parsePriorityHex(middle) ?? 0;
      return { name, priority, until, seq: Number(m[2]), prefix: m[1]! };
    },
    encode: encodeEnvelope,
    decode: decodeEnvelope,
  };
}

/** kazoo: `entries/entry-<priority 000-999>-<seq>` and `taken/<entry>`; raw data. */
function kazooFormat(path: string): QueueFormat {
  return {
    name: 'kazoo', items: joinPath(path, 'entries'), locks: joinPath(path, 'taken'),
    prefix(priority = 100, until) {
      if (until !== undefined) throw new InvalidArgumentError('delay', 'the kazoo format has no delayed items');
      if (!Number.isInteger(priority) || priority < 0 || priority > 999) throw new InvalidArgumentError('priority', `must be an integer from 0 to 999 in the kazoo format, got ${String(priority)}`);
      return `entry-${String(priority).padStart(3, '0')}-`;
    },
    parse(name) {
      const m = /^entry-(\d{3})-(\d{10})$/.exec(name);
      if (!m) return undefined;
      return { name, priority: Number(m[1]), until: 0, seq: Number(m[2]), prefix: name.slice(0, -10) };
    },
    encode: (data) => data,
    decode: (data) => [data],
  };
}

/** The layout of `format` for a queue at `path`. @throws InvalidArgumentError */
export function queueFormat(format: QueueFormatName, path: string, lockPath: string | undefined): QueueFormat {
  if (format === 'zookit') return zookitFormat(path);
  if (format === 'kazoo') return kazooFormat(path);
  if (format === 'curator') {
    if (lockPath === undefined) throw new InvalidArgumentError('lockPath', "the 'curator' format needs the lockPath the Curator consumers use");
    return curatorFormat(path, lockPath);
  }
  throw new InvalidArgumentError('format', `must be 'zookit', 'curator' or 'kazoo', got ${String(format)}`);
}

const ENVELOPE_VERSION = 0x00010001;
const ITEM_OP = 0x01;
const EOF_OP = 0x02;

/** Curator's item envelope: version int, then `0x01 <int length> <bytes>` per item, then `0x02`. */
export function encodeEnvelope(data: Buffer): Buffer {
  const out = Buffer.alloc(4 + 1 + 4 + data.length + 1);
  out.writeInt32BE(ENVELOPE_VERSION, 0);
  out.writeUInt8(ITEM_OP, 4);
  out.writeInt32BE(data.length, 5);
  data.copy(out, 9);
  out.writeUInt8(EOF_OP, 9 + data.length);
  return out;
}

/** The items of a Curator envelope. @throws Error for data that is not one */
export function decodeEnvelope(data: Buffer): Buffer[] {
  if (data.length < 5 || data.readInt32BE(0) !== ENVELOPE_VERSION) throw new Error('not a Curator queue item (bad envelope version)');
  const items: Buffer[] = [];
  let at = 4;
  for (;;) {
    if (at >= data.length) throw new Error('truncated Curator queue item');
    const op = data.readUInt8(at++);
    if (op === EOF_OP) return items;
    if (op !== ITEM_OP || at + 4 > data.length) throw new Error(`bad Curator queue item opcode ${op}`);
    const size = data.readInt32BE(at);
    at += 4;
    if (size < 0 || at + size > data.length) throw new Error(`bad Curator queue item size ${size}`);
    items.push(data.subarray(at, at + size));
    at += size;
  }
}
