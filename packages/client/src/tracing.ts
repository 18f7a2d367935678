// Publishing on the client's diagnostics channels (names and message shapes: channels.ts).
// Nothing is built or published while a channel has no subscriber. Not exported.
import diagnostics_channel from 'node:diagnostics_channel';
import { CHANNELS, type ConnectMessage, type RequestMessage, type SessionMessage } from './channels.js';
import { ConnectionLossError } from './errors.js';

const requestChannel = diagnostics_channel.tracingChannel<RequestMessage, RequestMessage>(CHANNELS.request);
const connectChannel = diagnostics_channel.tracingChannel<ConnectMessage, ConnectMessage>(CHANNELS.connect);
export const stateChannel = diagnostics_channel.channel(CHANNELS.state);
const sessionChannel = diagnostics_channel.channel(CHANNELS.session);
export const watchChannel = diagnostics_channel.channel(CHANNELS.watch);

type AnyTracingChannel = ReturnType<typeof diagnostics_channel.tracingChannel>;
/** `TracingChannel.hasSubscribers` came with Node 20.13 and 22.0; before, ask its five channels. */
const tracingHasSubscribers: (tc: AnyTracingChannel) => boolean = 'hasSubscribers' in requestChannel
  ? (tc) => tc.hasSubscribers
  : (tc) => tc.start.hasSubscribers || tc.end.hasSubscribers || tc.asyncStart.hasSubscribers || tc.asyncEnd.hasSubscribers || tc.error.hasSubscribers;

/** Whether anything listens on `zookit:request` (checked per request: no allocation when nothing does). */
export function requestTraced(): boolean {
  return tracingHasSubscribers(requestChannel);
}

/** Publishes on `zookit:session` (the message is built only when someone subscribes). */
export function publishSession(message: () => SessionMessage): void {
  if (sessionChannel.hasSubscribers) sessionChannel.publish(message());
}

/** `0x`-prefixed hex, as the server logs session ids. */
export function hexId(id: bigint): string {
  return `0x${id.toString(16)}`;
}

/** The code name an error ends a request with. */
function codeOf(err: unknown): string {
  if (err && typeof err === 'object' && 'codeName' in err && typeof err.codeName === 'string') return err.codeName;
  return err instanceof Error ? err.constructor.name : 'Error';
}

/**
 * Runs `send` inside a `zookit:request` trace: `start` and `end` around the send,
 * then `error` (on failure), `asyncStart` and `asyncEnd` once the reply settled, with
 * `code` set. A getACL's result is left out (digest ACLs carry password hashes).
 */
export function traceRequest<T>(ctx: RequestMessage, send: () => Promise<T>): Promise<T> {
  const ch = requestChannel;
  const settled = (): void => {
    ch.asyncStart.publish(ctx);
    ch.asyncEnd.publish(ctx);
  };
  return ch.start.runStores(ctx, () => {
    try {
      return send().then((value) => {
        ctx.code = 'OK';
        if (ctx.op !== 'getACL') ctx.result = value;
        settled();
        return value;
      }, (err: unknown) => {
        ctx.code = codeOf(err);
        ctx.error = err;
        ch.error.publish(ctx);
        settled();
        throw err;
      });
    } finally {
      ch.end.publish(ctx);
    }
  });
}

/** One `zookit:connect` trace at a time: begun with an attempt, ended by its outcome. */
export class ConnectTrace {
  #ctx: ConnectMessage | null = null;

  begin(host: string, port: number, sessionId: bigint, reconnect: boolean): void {
    this.#ctx = null;
    if (!tracingHasSubscribers(connectChannel)) return;
    const ctx: ConnectMessage = { server: { address: host, port }, sessionId: hexId(sessionId), reconnect };
    this.#ctx = ctx;
    connectChannel.start.publish(ctx);
    connectChannel.end.publish(ctx);
  }

  connected(negotiatedTimeout: number, readOnly: boolean, resumed: boolean): void {
    const ctx = this.#take();
    if (!ctx) return;
    ctx.negotiatedTimeout = negotiatedTimeout;
    ctx.readOnly = readOnly;
    ctx.resumed = resumed;
    this.#finish(ctx, 'connected');
  }

  /** The attempt ended without a session; a failed one carries its `error` (a ConnectionLossError when the server just closed). */
  ended(outcome: 'failed' | 'expired' | 'closed', error: Error | undefined): void {
    const ctx = this.#take();
    if (!ctx) return;
    if (outcome === 'failed') {
      ctx.error = error ?? new ConnectionLossError({ op: 'connect' }, 'CONNECTIONLOSS: the server closed the connection during the handshake');
      connectChannel.error.publish(ctx);
    }
    this.#finish(ctx, outcome);
  }

  #take(): ConnectMessage | null {
    const ctx = this.#ctx;
    this.#ctx = null;
    return ctx;
  }

  #finish(ctx: ConnectMessage, outcome: NonNullable<ConnectMessage['outcome']>): void {
    ctx.outcome = outcome;
    connectChannel.asyncStart.publish(ctx);
    connectChannel.asyncEnd.publish(ctx);
  }
}
