import type { ServerResponse } from 'node:http';
import type { ConnectionState, ZooKeeperClient } from '@zookit/client';
import { TreeCache, type CacheChange } from '@zookit/recipes';

/** How long changes are gathered before one `changes` message goes out (ms). */
const BATCH_MS = 100;
/** A comment line keeps idle connections (and proxies) from timing out (ms). */
const HEARTBEAT_MS = 15_000;

/** One change as the page sees it. */
interface PageChange {
  type: CacheChange['type'];
  path: string;
}

/**
 * The live side of the console: one TreeCache (one persistent recursive watch, dataless:
 * names, stats and children; data is read when a node is opened) and the Server-Sent
 * Events streams of the open pages. Changes are batched (100 ms) into one message.
 */
export class Live {
  readonly cache: TreeCache;
  readonly #zk: ZooKeeperClient;
  readonly #streams = new Set<ServerResponse>();
  #pending: PageChange[] = [];
  #flush: NodeJS.Timeout | undefined;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #unobserve: () => void;
  readonly #hello: () => Record<string, unknown>;

  constructor(zk: ZooKeeperClient, hello: () => Record<string, unknown>) {
    this.#zk = zk;
    this.#hello = hello;
    this.cache = new TreeCache(zk, '/', { dataless: true });
    for (const type of ['created', 'changed', 'deleted'] as const) {
      this.cache.on(type, (e) => this.#queue({ type, path: e.path }));
    }
    this.cache.on('resynced', () => this.#send('resynced', { stale: false }));
    this.cache.on('initialized', () => this.#send('resynced', { stale: false }));
    this.cache.on('stale', () => this.#send('stale', { stale: true }));
    this.#unobserve = zk.observe({ state: (state) => this.#send('state', { state, stale: this.cache.stale }) });
    this.#heartbeat = setInterval(() => this.#write(': ping\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** The console's connection state (what the page shows). */
  get state(): ConnectionState {
    return this.#zk.state;
  }

  /** Loads the tree; resolves once it is in memory. */
  start(): Promise<void> {
    return this.cache.start();
  }

  /** Serves one page's event stream: `hello` first, then `state`, `changes`, `stale`, `resynced`. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    // The page's EventSource reconnects by itself after 1 s when the stream breaks.
    res.write('retry: 1000\n\n');
    res.write(message('hello', { ...this.#hello(), state: this.#zk.state, stale: this.cache.stale }));
    this.#streams.add(res);
    res.on('close', () => this.#streams.delete(res));
  }

  /** Ends every stream and closes the cache. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#flush);
    this.#unobserve();
    for (const res of this.#streams) res.end();
    this.#streams.clear();
    await this.cache.close();
  }

  #queue(change: PageChange): void {
    this.#pending.push(change);
    this.#flush ??= setTimeout(() => {
      this.#flush = undefined;
      const changes = this.#pending;
      this.#pending = [];
      this.#send('changes', { changes });
    }, BATCH_MS);
  }

  #send(event: string, data: unknown): void {
    this.#write(message(event, data));
  }

  #write(text: string): void {
    for (const res of this.#streams) res.write(text);
  }
}

function message(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

