// The `otel` workload (zookit only): pipelined get, client CPU per op, with no subscriber on
// zookit's diagnostics channels, with a no-op subscriber on zookit:request, and with
// @zookit/otel active (SDK tracer provider with a batch span processor and an exporter that
// drops the spans, a meter provider with a reader). The variants run in one process, in the
// order A B C C B A, each pass after a warm-up of its own, so JIT and machine drift hit them alike.
import diagnostics_channel from 'node:diagnostics_channel';

/** A span exporter that drops what it is given (the SDK's work is measured, not an exporter's I/O). */
const dropSpans = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve(), forceFlush: () => Promise.resolve() };

async function otelVariant() {
  const { instrument, uninstrument } = await import('@zookit/otel');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } = await import('@opentelemetry/sdk-metrics');
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropSpans)] });
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 1000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    on: () => instrument({ tracerProvider, meterProvider }),
    off: () => uninstrument(),
    close: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]),
  };
}

function noopSubscriber() {
  const fn = () => {};
  const handlers = { start: fn, end: fn, asyncStart: fn, asyncEnd: fn, error: fn };
  const ch = diagnostics_channel.tracingChannel('zookit:request');
  return { on: () => ch.subscribe(handlers), off: () => ch.unsubscribe(handlers), close: () => Promise.resolve() };
}

/**
 * Runs the variants; `get(zk, h)` issues one get, `pipelined(n, window, issue)` runs a loop,
 * `measure(body)` times one (wall ms, CPU µs). Returns CPU µs/op and ops/s per variant.
 */
export async function otelOverhead({ open, close, get, pipelined, measure, warmup, count, window }) {
  const zk = await open();
  const variants = { plain: { on() {}, off() {}, close: () => Promise.resolve() }, sub: noopSubscriber(), otel: await otelVariant() };
  const totals = { plain: { cpu: 0, wall: 0, n: 0 }, sub: { cpu: 0, wall: 0, n: 0 }, otel: { cpu: 0, wall: 0, n: 0 } };
  const half = Math.ceil(count / 2);
  for (const name of ['plain', 'sub', 'otel', 'otel', 'sub', 'plain']) {
    variants[name].on();
    await pipelined(warmup, window, (_i, h) => get(zk, h));
    const { wall, cpu } = await measure(() => pipelined(half, window, (_i, h) => get(zk, h)));
    totals[name].wall += wall;
    totals[name].cpu += cpu;
    totals[name].n += half;
    variants[name].off();
  }
  await close(zk);
  await Promise.all(Object.values(variants).map((v) => v.close()));
  const per = (t) => ({ cpu: t.cpu / t.n, ops: t.n / (t.wall / 1000) });
  const [p, s, o] = [per(totals.plain), per(totals.sub), per(totals.otel)];
  return { cpu_us_op: p.cpu, cpu_us_op_sub: s.cpu, cpu_us_op_otel: o.cpu, ops_s: p.ops, ops_s_otel: o.ops, otel_cpu_ratio: o.cpu / p.cpu };
}
