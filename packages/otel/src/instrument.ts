import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { InvalidArgumentError } from '@zookit/client';
import { Instruments } from './metrics.js';
import { templatePath } from './path-template.js';
import { Subscriber } from './subscriber.js';

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** Where spans go (default: the global tracer provider). */
  tracerProvider?: TracerProvider;
  /** Where metrics go (default: the global meter provider). */
  meterProvider?: MeterProvider;
  /**
   * Turns a path into the part of a span's name after the operation (default:
   * {@link templatePath}, which replaces sequence suffixes and random prefixes);
   * `false` keeps paths as they are. The full path is always in `zookit.path`. A template
   * that throws is reported through OpenTelemetry's `diag` logger, and the path used as it is.
   */
  pathTemplate?: ((path: string) => string) | false;
}

const SCOPE = '@zookit/otel';
const VERSION = '0.1.0';

let active: Subscriber | undefined;

/**
 * Subscribes to zookit's diagnostics channels and turns them into OpenTelemetry spans
 * (one per request, one per connection attempt) and metrics. Calling it again replaces
 * the previous instrumentation.
 *
 * ```ts
 * import { instrument } from '@zookit/otel';
 * instrument(); // the global tracer and meter providers
 * ```
 */
export function instrument(options: InstrumentOptions = {}): void {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', 'must be an object');
  const template = options.pathTemplate === false ? (p: string) => p : options.pathTemplate ?? templatePath;
  if (typeof template !== 'function') throw new InvalidArgumentError('pathTemplate', 'must be a function or false');
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, VERSION);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE, VERSION);
  uninstrument();
  active = new Subscriber(tracer, new Instruments(meter), template);
  active.subscribe();
}

/** Unsubscribes what {@link instrument} subscribed (spans still open are dropped). Idempotent. */
export function uninstrument(): void {
  active?.unsubscribe();
  active = undefined;
}
