import type { ConnectionState } from '../types.js';
import type { WatchSink } from './watch-sink.js';

/** What the session tells the layer above it. None of these may throw (the client isolates user code). */
export interface SessionHooks {
  onState(state: ConnectionState, previous: ConnectionState): void;
  onError(error: Error): void;
  /** The session is about to close for good (stop(), or a terminal failure): called once, before the closeSession leaves. */
  onClosing(): void;
  /** The watch layer: registration on replies, routing of notifications, drop on expiry, re-arm on reconnect. */
  watches: WatchSink;
}

/**
 * The phases of the session and the only moves between them (see `#enter`):
 *
 *   new ─start()→ connecting ─socket→ handshake ─┬→ connected ─drop→ idle ─→ connecting …
 *                                                ├→ sasl ─→ connected
 *                                                └→ zombie (closing a locally-lost session) ─→ idle
 *   any ─stop() or a terminal failure→ closing ─→ closed
 */
export type Phase = 'new' | 'idle' | 'connecting' | 'handshake' | 'sasl' | 'zombie' | 'connected' | 'closing' | 'closed';

const NEXT: Record<Phase, readonly Phase[]> = {
  new: ['connecting', 'closing', 'closed'],
  idle: ['connecting', 'closing', 'closed'],
  connecting: ['handshake', 'idle', 'closing', 'closed'],
  handshake: ['sasl', 'zombie', 'connected', 'idle', 'closing', 'closed'],
  sasl: ['connected', 'idle', 'closing', 'closed'],
  zombie: ['idle', 'closing', 'closed'],
  connected: ['idle', 'closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/** Whether the session may move from `from` to `to`. */
export function canMove(from: Phase, to: Phase): boolean {
  return NEXT[from].includes(to);
}
