// @zookit/otel against a real server, read through the SDK's in-memory exporters: a
// scripted run (reads, a failing create, a transaction, a lock handoff, a connection
// cut, a session expiry) gives exactly the expected spans and metrics.
import { DiagLogLevel, SpanKind, SpanStatusCode, context, diag } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ZooKeeperClient } from '@zookit/client';
import { Lock } from '@zookit/recipes';
import { FaultProxy, expireSession } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterEach, describe, expect, inject, it, onTestFinished } from 'vitest';
import { instrument, templatePath, uninstrument } from '../src/index.js';

// Context propagation as an application sets it up: a request made inside a span is its child.
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
afterEach(() => uninstrument());

function providers() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  onTestFinished(() => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => {}));
  /** The metrics now: name → data points (attributes and value). */
  const metrics = async () => {
    await reader.forceFlush();
    const last = exporter.getMetrics().at(-1)!;
    const out = new Map<string, Array<DataPoint<number | Histogram>>>();
    for (const scope of last.scopeMetrics) for (const m of scope.metrics) out.set(m.descriptor.name, m.dataPoints as Array<DataPoint<number | Histogram>>);
    return out;
  };
  return { spans, tracerProvider, meterProvider, metrics };
}

/** A fresh chroot on the shared server. */
async function freshChroot(): Promise<string> {
  const chroot = uniqueChroot();
  const root = new ZooKeeperClient({ hosts: inject('zkConnect'), sessionTimeout: 4_000 });
  await root.start();
  await root.ensurePath(chroot);
  await root.close();
  return chroot;
}

/** A client (not started) on `hosts` + `chroot`, stopped when the test ends. */
function client(hosts: string, chroot: string): ZooKeeperClient {
  const zk = new ZooKeeperClient({ hosts: hosts + chroot, sessionTimeout: 4_000 });
  onTestFinished(() => zk.stop());
  return zk;
}

/** Attributes on spans only, not on the duration metric (unbounded values, or a batch's size). */
const SPAN_ONLY = new Set(['zookit.path', 'zookit.session_id', 'zookit.xid', 'db.operation.batch.size']);

/** A span as the test compares it. */
function view(s: ReadableSpan) {
  const a = s.attributes;
  return {
    name: s.name,
    ...(a['error.type'] ? { error: a['error.type'], status: a['db.response.status_code'] } : {}),
    ...(a['zookit.connect.outcome'] ? { outcome: a['zookit.connect.outcome'] } : {}),
  };
}

describe('@zookit/otel', () => {
  it('a scripted run gives exactly the expected spans and metrics', async () => {
    const { spans, tracerProvider, meterProvider, metrics } = providers();
    const [host, port] = inject('zkConnect').split(':') as [string, string];
    const proxy = await FaultProxy.start({ target: { host, port: Number(port) } });
    onTestFinished(() => proxy.close());
    const chroot = await freshChroot();
    const zk = client(proxy.connectString, chroot);
    instrument({ tracerProvider, meterProvider });

    await zk.start();
    const first = `0x${zk.sessionId.toString(16)}`;
    await zk.create('/a', 'x');
    await tracerProvider.getTracer('app').startActiveSpan('job', async (job) => {
      await zk.get('/a');
      job.end();
    });
    await zk.getChildren('/');
    await expect(zk.create('/a', 'again')).rejects.toThrow(/NODEEXISTS/);
    await zk.transaction().create('/b', 'y').setData('/a', 'z').commit();
    await zk.create('/seq-', '', { sequential: true });

    // A lock handoff between two other clients.
    const [a, b] = [client(inject('zkConnect'), chroot), client(inject('zkConnect'), chroot)];
    await Promise.all([a.start(), b.start()]);
    const held = await new Lock(a, '/locks/h').acquire();
    const waiting = new Lock(b, '/locks/h').acquire({ timeout: 10_000 });
    await expect.poll(async () => (await zk.getChildren('/locks/h').catch(() => [])).length).toBe(2);
    await held.release();
    await (await waiting).release();

    // A connection cut, then a real expiry.
    proxy.cut();
    await zk.waitForState('SUSPENDED', { timeout: 5_000 });
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    await zk.exists('/a');
    // Our reconnects are refused meanwhile, so they cannot race the twin connection (each refused attempt is a failed connect span).
    proxy.refuse();
    try {
      await expireSession(zk, { connectString: inject('zkConnect') });
    } finally {
      proxy.heal();
    }
    await expect.poll(() => zk.sessionId !== 0n && `0x${zk.sessionId.toString(16)}` !== first, { timeout: 10_000 }).toBe(true);
    await zk.waitForState('CONNECTED', { timeout: 10_000 });
    const m = await metrics();

    // Spans of the scripted client, in order of their end.
    const all = spans.getFinishedSpans();
    const mine = all.filter((s) => s.attributes['zookit.session_id'] === first || s.name === 'job' || (s.name === 'connect' && s.attributes['server.port'] === proxy.port));
    const pollSpans = mine.filter((s) => s.name === 'getChildren /locks/h');
    const refused = mine.filter((s) => s.attributes['zookit.connect.outcome'] === 'failed');
    for (const s of refused) expect(s).toMatchObject({ name: 'connect', status: { code: SpanStatusCode.ERROR } });
    expect(mine.filter((s) => !pollSpans.includes(s) && !refused.includes(s)).map(view)).toEqual([
      { name: 'connect', outcome: 'connected' },
      { name: 'create /a' },
      { name: 'getData /a' },
      { name: 'job' },
      { name: 'getChildren /' },
      { name: 'create /a', error: 'NODEEXISTS', status: 'NODEEXISTS' },
      { name: 'multi' },
      { name: 'create /seq-' },
      { name: 'connect', outcome: 'connected' },
      { name: 'exists /a' },
      { name: 'connect', outcome: 'expired' },
      { name: 'connect', outcome: 'connected' },
    ]);
    const byName = (n: string) => mine.filter((s) => s.name === n);
    const [get] = byName('getData /a');
    const job = byName('job')[0]!;
    expect(get!.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
    expect(get!.kind).toBe(SpanKind.CLIENT);
    expect(get!.attributes).toMatchObject({
      'db.system.name': 'zookeeper', 'db.operation.name': 'getData', 'server.address': '127.0.0.1', 'server.port': proxy.port, 'zookit.path': '/a', 'zookit.session_id': first,
    });
    expect(byName('create /a')[1]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(byName('multi')[0]!.attributes['db.operation.batch.size']).toBe(2);
    const connects = byName('connect').filter((s) => !refused.includes(s));
    expect(connects.map((s) => s.attributes['zookit.session.resumed'])).toEqual([false, true, undefined, false]);
    expect(connects[2]!.parentSpanContext).toBeUndefined();
    // The lock clients' requests, with sequence suffixes and random prefixes templated out.
    const lockNames = new Set(all.filter((s) => s.attributes['zookit.path']?.toString().startsWith('/locks/h/')).map((s) => s.name));
    for (const n of lockNames) expect(n).toMatch(/^[a-zA-Z]+ \/locks\/h\/_c_\{uuid\}-lock-(\{seq\})?$/);
    expect(lockNames.has('create /locks/h/_c_{uuid}-lock-')).toBe(true);

    // Metrics: durations agree with the request spans, one by one.
    const requests = all.filter((s) => s.attributes['db.operation.name'] !== undefined);
    const durations = m.get('db.client.operation.duration')!;
    const key = (attrs: Record<string, unknown>) => JSON.stringify(Object.entries(attrs).filter(([k]) => !SPAN_ONLY.has(k)).sort());
    const expected = new Map<string, number>();
    for (const s of requests) expected.set(key(s.attributes), (expected.get(key(s.attributes)) ?? 0) + 1);
    expect(new Map(durations.map((d) => [key(d.attributes), (d.value as Histogram).count]))).toEqual(expected);
    expect(durations.find((d) => d.attributes['error.type'] === 'NODEEXISTS')).toMatchObject({
      attributes: { 'db.system.name': 'zookeeper', 'db.operation.name': 'create', 'db.response.status_code': 'NODEEXISTS', 'server.address': '127.0.0.1', 'server.port': proxy.port },
      value: { count: 1 },
    });
    const sum = (name: string, attrs: Record<string, unknown> = {}) =>
      (m.get(name) ?? []).filter((d) => Object.entries(attrs).every(([k, v]) => d.attributes[k] === v)).reduce((n, d) => n + (typeof d.value === 'number' ? d.value : d.value.count), 0);
    expect(sum('zookit.client.requests.outstanding')).toBe(0);
    expect(sum('zookit.client.connections', { 'zookit.connection.state': 'CONNECTED' })).toBe(3);
    expect(sum('zookit.client.connections', { 'zookit.connection.state': 'SUSPENDED' })).toBe(0);
    // After the cut (session resumed) and after the expiry (a new session).
    expect(sum('zookit.client.reconnects')).toBe(2);
    expect(sum('zookit.client.session.expiries', { 'zookit.session.event': 'expired' })).toBe(1);
    expect(sum('zookit.recipe.lock.wait.duration', { 'zookit.recipe': 'Lock' })).toBe(2);
    expect(sum('zookit.recipe.lock.hold.duration', { 'zookit.recipe': 'Lock', 'zookit.recipe.outcome': 'released' })).toBe(2);
    const wait = m.get('zookit.recipe.lock.wait.duration')![0]!.value as Histogram;
    expect(wait.max).toBeGreaterThan(0);
  });

  it('publishes nothing once uninstrumented, and templates paths as documented', async () => {
    const { spans, tracerProvider, meterProvider } = providers();
    const zk = client(inject('zkConnect'), await freshChroot());
    instrument({ tracerProvider, meterProvider, pathTemplate: false });
    await zk.start();
    await zk.create('/p-', '', { sequential: true });
    uninstrument();
    await zk.exists('/');
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['connect', 'create /p-']);
    expect(templatePath('/q/_c_0f5e4b4e-8e2c-4d3a-9c1b-2a3b4c5d6e7f-lock-0000000007')).toBe('/q/_c_{uuid}-lock-{seq}');
    expect(templatePath('/q/0123456789abcdef0123456789abcdef__rlock__0000000003/x')).toBe('/q/{id}__rlock__{seq}/x');
    expect(templatePath('/q/item-0000000012')).toBe('/q/item-{seq}');
    expect(() => instrument({ pathTemplate: 'no' as never })).toThrow(/pathTemplate/);
  });

  it('a pathTemplate that throws is reported through diag, and the request still gets its span and its answer', async () => {
    const { spans, tracerProvider, meterProvider } = providers();
    const reported: unknown[][] = [];
    const noop = () => {};
    diag.setLogger({ error: (...args: unknown[]) => reported.push(args), warn: noop, info: noop, debug: noop, verbose: noop }, DiagLogLevel.ERROR);
    onTestFinished(() => diag.disable());
    const zk = client(inject('zkConnect'), await freshChroot());
    await zk.start();
    instrument({ tracerProvider, meterProvider, pathTemplate: () => {
      throw new Error('template bug');
    } });
    await expect(zk.exists('/nope')).resolves.toBeNull();
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['exists /nope']);
    expect(reported).toHaveLength(1);
    expect(String(reported[0]![0])).toMatch(/pathTemplate threw for \/nope/);
    expect(reported[0]![1]).toMatchObject({ message: 'template bug' });
  });
});
