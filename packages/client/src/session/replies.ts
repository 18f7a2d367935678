import { WireEventType, Xid, readWatcherEvent, type Reader } from '@zookit/protocol';
import { AuthFailedError, ErrorCode, ProtocolError } from '../errors.js';
import { errorFromCode } from '../error-codes.js';
import type { Logger } from '../options.js';
import type { ConnectionState } from '../types.js';
import type { AuthList } from './auths.js';
import type { RequestQueue } from './requests.js';
import type { WatchSink } from './watch-sink.js';

/** What reply routing needs from the session. */
export interface ReplyContext {
  requests: RequestQueue;
  auths: AuthList;
  watches: WatchSink;
  state(): ConnectionState;
  log(level: keyof Logger, message: string, meta?: Record<string, unknown>): void;
  /** A terminal failure: `reported` on 'error', then the client closes with `reason`. */
  fail(reported: Error, reason: Error): void;
}

/**
 * Routes a reply of a connected session by its xid: a notification to the watch
 * layer, pings and SetWatches answers absorbed, auth answers to the auth list, and
 * everything else to the oldest request (a mismatch is a ProtocolError, thrown).
 */
export function routeReply(ctx: ReplyContext, xid: number, err: number, r: Reader): void {
  switch (xid) {
    case Xid.notification:
      return onNotification(ctx, r);
    case Xid.ping:
      return;
    case Xid.setWatches:
      if (err !== 0) ctx.log('warn', 're-registering watches failed', { code: err });
      return;
    case Xid.auth:
      return onAuthReply(ctx, err);
  }
  const req = ctx.requests.take(xid);
  if (err !== 0 && err !== req.acceptErr) {
    const e = errorFromCode(err, { op: req.op, path: req.path });
    req.reject(e);
    if (err === ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH) {
      // The server demands SASL and closed the session: retrying cannot help.
      ctx.log('error', 'the server requires SASL authentication; the client stops');
      ctx.fail(e, e);
    }
    return;
  }
  let value: unknown;
  try {
    value = req.decode(r, err);
  } catch (e) {
    if (e instanceof ProtocolError) {
      req.reject(new ProtocolError(`${e.message} in the ${req.op} reply`, { cause: e }));
      throw e;
    }
    req.reject(e as Error);
    return;
  }
  if (req.watch) ctx.watches.register(req.watch, err);
  req.resolve(value);
}

function onAuthReply(ctx: ReplyContext, err: number): void {
  const failed = ctx.auths.onReply(err);
  if (!failed?.terminal) return;
  // Terminal, as in every ZooKeeper client: the server closes the session.
  ctx.log('error', 'authentication failed; the client stops', { scheme: failed.scheme });
  ctx.fail(failed.error, new AuthFailedError({ op: 'auth' }));
}

function onNotification(ctx: ReplyContext, r: Reader): void {
  const ev = readWatcherEvent(r);
  if (ev.type === WireEventType.None) return;
  if (ev.type < WireEventType.NodeCreated || ev.type > WireEventType.PersistentWatchRemoved) {
    // The server has dropped whatever watch this was; reconnecting re-registers ours.
    throw new ProtocolError(`notification with an unknown event type ${ev.type}`);
  }
  ctx.watches.notify(ev.type, ev.path, ctx.state());
}
