import diagnostics_channel from 'node:diagnostics_channel';
import { SpanKind, SpanStatusCode, context, diag, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { CHANNELS, ConnectionState, type ConnectMessage, type RequestMessage, type SessionMessage, type StateMessage } from '@zookit/client';
import type { RecipeMessage } from '@zookit/recipes';
import * as A from './attributes.js';
import type { Instruments } from './metrics.js';

interface Open {
  span: Span;
  began: number;
}

type Handlers = Parameters<ReturnType<typeof diagnostics_channel.tracingChannel>['subscribe']>[0];

const ignore = (): void => {};
/** Phases whose context is complete elsewhere: `error` is on the context by `asyncEnd`. */
const IGNORED = { end: ignore, asyncStart: ignore, error: ignore };

const COUNTED = new Set<string>([ConnectionState.CONNECTED, ConnectionState.READ_ONLY, ConnectionState.SUSPENDED]);

/** The subscriptions of one `instrument()`: spans and metrics from the zookit channels. */
export class Subscriber {
  readonly #tracer: Tracer;
  readonly #m: Instruments;
  readonly #template: (path: string) => string;
  readonly #open = new WeakMap<object, Open>();
  readonly #request: Handlers;
  readonly #connect: Handlers;
  readonly #plain: Array<[string, (msg: unknown) => void]>;

  constructor(tracer: Tracer, instruments: Instruments, template: (path: string) => string) {
    this.#tracer = tracer;
    this.#m = instruments;
    this.#template = template;
    this.#request = {
      ...IGNORED,
      start: (ctx) => this.#requestStart(ctx as RequestMessage),
      asyncEnd: (ctx) => this.#requestEnd(ctx as RequestMessage),
    };
    this.#connect = {
      ...IGNORED,
      start: (ctx) => this.#connectStart(ctx as ConnectMessage),
      asyncEnd: (ctx) => this.#connectEnd(ctx as ConnectMessage),
    };
    this.#plain = [
      [CHANNELS.state, (msg) => this.#state(msg as StateMessage)],
      [CHANNELS.session, (msg) => this.#session(msg as SessionMessage)],
      [CHANNELS.recipe, (msg) => this.#recipe(msg as RecipeMessage)],
    ];
  }

  subscribe(): void {
    diagnostics_channel.tracingChannel(CHANNELS.request).subscribe(this.#request);
    diagnostics_channel.tracingChannel(CHANNELS.connect).subscribe(this.#connect);
    for (const [name, fn] of this.#plain) diagnostics_channel.subscribe(name, fn);
  }

  unsubscribe(): void {
    diagnostics_channel.tracingChannel(CHANNELS.request).unsubscribe(this.#request);
    diagnostics_channel.tracingChannel(CHANNELS.connect).unsubscribe(this.#connect);
    for (const [name, fn] of this.#plain) diagnostics_channel.unsubscribe(name, fn);
  }

  #requestStart(ctx: RequestMessage): void {
    const attributes: Attributes = { [A.DB_SYSTEM_NAME]: A.SYSTEM, [A.DB_OPERATION_NAME]: ctx.op, [A.ZK_SESSION_ID]: ctx.sessionId };
    if (ctx.path !== undefined) attributes[A.ZK_PATH] = ctx.path;
    if (ctx.ops !== undefined && ctx.ops > 1) attributes[A.DB_OPERATION_BATCH_SIZE] = ctx.ops;
    const name = ctx.path === undefined ? ctx.op : `${ctx.op} ${this.#templated(ctx.path)}`;
    const span = this.#tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active());
    this.#open.set(ctx, { span, began: performance.now() });
    this.#m.outstanding.add(1);
  }

  /** The caller's template, isolated: a throw is reported through OpenTelemetry's `diag` and the path used as it is. */
  #templated(path: string): string {
    try {
      return String(this.#template(path));
    } catch (err) {
      diag.error(`@zookit/otel: pathTemplate threw for ${path}; the path is used as it is`, err);
      return path;
    }
  }

  #requestEnd(ctx: RequestMessage): void {
    const open = this.#open.get(ctx);
    if (!open) return;
    this.#open.delete(ctx);
    this.#m.outstanding.add(-1);
    const { span } = open;
    const common: Attributes = { [A.DB_SYSTEM_NAME]: A.SYSTEM, [A.DB_OPERATION_NAME]: ctx.op };
    if (ctx.server) {
      common[A.SERVER_ADDRESS] = ctx.server.address;
      common[A.SERVER_PORT] = ctx.server.port;
    }
    span.setAttribute(A.ZK_XID, ctx.xid);
    if (ctx.error !== undefined) {
      const zkCode = isZooKeeperError(ctx.error) ? ctx.error.codeName : undefined;
      if (zkCode) common[A.DB_RESPONSE_STATUS_CODE] = zkCode;
      common[A.ERROR_TYPE] = zkCode ?? ctx.code ?? 'Error';
      span.setStatus({ code: SpanStatusCode.ERROR, message: ctx.error instanceof Error ? ctx.error.message : String(ctx.error) });
    }
    span.setAttributes(common);
    span.end();
    this.#m.duration.record((performance.now() - open.began) / 1000, common);
  }

  #connectStart(ctx: ConnectMessage): void {
    const attributes: Attributes = {
      [A.DB_SYSTEM_NAME]: A.SYSTEM, [A.SERVER_ADDRESS]: ctx.server.address, [A.SERVER_PORT]: ctx.server.port, [A.ZK_SESSION_ID]: ctx.sessionId,
    };
    // A connection attempt is the client's own doing: a root span, not a child of whatever ran.
    const span = this.#tracer.startSpan('connect', { kind: SpanKind.CLIENT, attributes, root: true });
    this.#open.set(ctx, { span, began: performance.now() });
  }

  #connectEnd(ctx: ConnectMessage): void {
    const open = this.#open.get(ctx);
    if (!open) return;
    this.#open.delete(ctx);
    const { span } = open;
    span.setAttribute(A.ZK_CONNECT_OUTCOME, ctx.outcome ?? 'failed');
    if (ctx.outcome === 'connected') {
      span.setAttributes({ 'zookit.session.timeout': ctx.negotiatedTimeout ?? 0, 'zookit.read_only': ctx.readOnly === true, 'zookit.session.resumed': ctx.resumed === true });
      if (ctx.reconnect) this.#m.reconnects.add(1, { [A.DB_SYSTEM_NAME]: A.SYSTEM });
    } else if (ctx.error !== undefined) {
      span.setAttribute(A.ERROR_TYPE, isZooKeeperError(ctx.error) ? ctx.error.codeName : ctx.error instanceof Error ? ctx.error.constructor.name : 'Error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: ctx.error instanceof Error ? ctx.error.message : String(ctx.error) });
    }
    span.end();
  }

  #state(msg: StateMessage): void {
    if (COUNTED.has(msg.previous)) this.#m.connections.add(-1, { [A.ZK_CONNECTION_STATE]: msg.previous });
    if (COUNTED.has(msg.state)) this.#m.connections.add(1, { [A.ZK_CONNECTION_STATE]: msg.state });
  }

  #session(msg: SessionMessage): void {
    if (msg.event === 'expired' || msg.event === 'lost') this.#m.expiries.add(1, { [A.DB_SYSTEM_NAME]: A.SYSTEM, [A.ZK_SESSION_EVENT]: msg.event });
  }

  #recipe(msg: RecipeMessage): void {
    if (msg.event === 'acquired') {
      this.#m.lockWait.record(msg.waitMs / 1000, { [A.ZK_RECIPE]: msg.recipe });
      return;
    }
    this.#m.lockHold.record(msg.holdMs / 1000, { [A.ZK_RECIPE]: msg.recipe, [A.ZK_RECIPE_OUTCOME]: msg.event === 'released' ? 'released' : msg.reason });
  }
}

function isZooKeeperError(e: unknown): e is { codeName: string } {
  return typeof e === 'object' && e !== null && 'codeName' in e && typeof e.codeName === 'string';
}
