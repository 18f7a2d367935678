import { AsyncQueue } from './async-queue.js';
import { EventType, type Watcher, type WatchedEvent } from '../types.js';

interface WatchStreamOptions {
  add(fn: Watcher): Promise<void>;
  remove(fn: Watcher): Promise<void>;
  signal: AbortSignal | undefined;
  maxBuffered: number;
}

/**
 * A persistent watch as an async iterator: events are queued until read; the
 * watch is removed on `break`, on the signal (the reader gets its reason) or on
 * overflow. A NONE event (the session is lost, the server dropped the watch) is the last.
 */
export function watchStream(options: WatchStreamOptions): AsyncIterableIterator<WatchedEvent> {
  let queue: AsyncQueue<WatchedEvent> | undefined;
  const listener: Watcher = (event) => {
    queue!.push(event);
    if (event.type === EventType.NONE) queue!.end(undefined, false);
  };
  // Added first, so that a signal already aborted removes what was added.
  const ready = options.add(listener);
  queue = new AsyncQueue<WatchedEvent>({
    maxBuffered: options.maxBuffered,
    signal: options.signal,
    onAbort: 'reject',
    cleanup: () => ready.then(() => options.remove(listener), () => {}),
  });
  ready.catch((err: unknown) => queue!.end(err));
  return queue;
}
