// One benchmark child for the Node clients: `node --expose-gc node-worker.mjs <client> <workload> key=value...`.
// Prints `RESULT <json>` on stdout. The `watches` workload asks the parent to cut its connection by
// printing `CUT` and waits for `OK` on stdin.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { otelOverhead } from './otel-overhead.mjs';

const require = createRequire(import.meta.url);
const [clientName, workload, ...kv] = process.argv.slice(2);
const P = Object.fromEntries(kv.map((s) => { const i = s.indexOf('='); return [s.slice(0, i), s.slice(i + 1)]; }));
const num = (k) => Number(P[k]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- adapters: each client used the way its README shows, callbacks where it has them ----------------------
// h = { ok(result), err(error) } is created once per loop, so no adapter allocates a closure per request
// unless its API forces it.

async function zookitAdapter() {
  const { ZooKeeperClient } = await import('@zookit/client');
  return {
    async open(hosts) {
      const zk = new ZooKeeperClient({ hosts, sessionTimeout: num('sessionTimeout') || 10_000 });
      await zk.start();
      return zk;
    },
    close: (zk) => zk.stop(),
    get: (zk, path, h) => { zk.get(path).then(h.ok, h.err); },
    create: (zk, path, data, h) => { zk.create(path, data, { sequential: true }).then(h.ok, h.err); },
    createPlain: (zk, path, data) => zk.create(path, data).catch((e) => { if (e.name !== 'NodeExistsError' && e.code !== -110) throw e; }),
    set: (zk, path, data, h) => { zk.set(path, data).then(h.ok, h.err); },
    del: (zk, path, h) => { zk.delete(path).then(h.ok, h.err); },
    children: (zk, path) => zk.getChildren(path),
    existsWatch: (zk, path, watcher, h) => { zk.exists(path, { watch: watcher }).then(h.ok, h.err); },
    exists: (zk, path) => zk.exists(path),
    setSync: (zk, path, data) => zk.set(path, data),
  };
}

function nzcAdapter() {
  const zookeeper = require('node-zookeeper-client');
  const cbOf = (h) => h.nz ??= (e, r) => (e ? h.err(e) : h.ok(r));
  const prom = (fn) => new Promise((res, rej) => fn((e, r) => (e ? rej(e) : res(r))));
  return {
    open(hosts) {
      return new Promise((resolve, reject) => {
        const c = zookeeper.createClient(hosts, { sessionTimeout: num('sessionTimeout') || 10_000, spinDelay: 100, retries: 0 });
        const t = setTimeout(() => reject(new Error('connect timeout')), 30_000);
        c.once('connected', () => { clearTimeout(t); resolve(c); });
        c.connect();
      });
    },
    close: (c) => new Promise((resolve) => { c.once('disconnected', resolve); c.close(); setTimeout(resolve, 2000).unref(); }),
    get: (c, path, h) => c.getData(path, cbOf(h)),
    create: (c, path, data, h) => c.create(path, data, zookeeper.CreateMode.PERSISTENT_SEQUENTIAL, cbOf(h)),
    createPlain: (c, path, data) => prom((cb) => c.create(path, data, (e, r) => cb(e && e.getCode?.() === zookeeper.Exception.NODE_EXISTS ? null : e, r))),
    set: (c, path, data, h) => c.setData(path, data, -1, cbOf(h)),
    del: (c, path, h) => c.remove(path, -1, cbOf(h)),
    children: (c, path) => prom((cb) => c.getChildren(path, cb)),
    existsWatch: (c, path, watcher, h) => c.exists(path, watcher, cbOf(h)),
    exists: (c, path) => prom((cb) => c.exists(path, cb)),
    setSync: (c, path, data) => prom((cb) => c.setData(path, data, -1, cb)),
  };
}

function cbindAdapter() {
  const ZooKeeper = require('zookeeper');
  const C = ZooKeeper.constants;
  // callback signatures: (rc, error, ...results)
  const cbOf = (h) => h.cz ??= (rc, error, a, b) => (rc !== 0 ? h.err(new Error(`${error} (${rc})`)) : h.ok(b ?? a));
  const prom = (fn) => new Promise((res, rej) => fn((rc, error, a, b) => (rc !== 0 ? rej(Object.assign(new Error(error), { rc })) : res(b ?? a))));
  return {
    open(hosts) {
      return new Promise((resolve, reject) => {
        const config = { connect: hosts, timeout: num('sessionTimeout') || 10_000, debug_level: C.ZOO_LOG_LEVEL_ERROR, host_order_deterministic: false, data_as_buffer: true,
          // the binding closes the session after 10 empty zookeeper_process() calls in a row, which a 1 MB reply
          // arriving in many chunks triggers; its README's option raises that limit.
          response_counter_limit: 1000 };
        const c = new ZooKeeper(config);
        const t = setTimeout(() => reject(new Error('connect timeout')), 30_000);
        c.once('connect', () => { clearTimeout(t); resolve(c); });
        c.init(config);
      });
    },
    close: async (c) => { c.close(); },
    get: (c, path, h) => c.a_get(path, false, cbOf(h)),
    create: (c, path, data, h) => c.a_create(path, data, C.ZOO_PERSISTENT_SEQUENTIAL, cbOf(h)),
    createPlain: (c, path, data) => prom((cb) => c.a_create(path, data, C.ZOO_PERSISTENT, (rc, e, p) => cb(rc === C.ZNODEEXISTS ? 0 : rc, e, p))),
    set: (c, path, data, h) => c.a_set(path, data, -1, cbOf(h)),
    del: (c, path, h) => c.a_delete_(path, -1, cbOf(h)),
    children: (c, path) => prom((cb) => c.a_get_children(path, false, cb)),
    existsWatch: (c, path, watcher, h) => c.aw_exists(path, watcher, cbOf(h)),
    exists: (c, path) => prom((cb) => c.a_exists(path, false, cb)),
    setSync: (c, path, data) => prom((cb) => c.a_set(path, data, -1, cb)),
  };
}

const adapters = { zookit: zookitAdapter, nzc: nzcAdapter, cbind: cbindAdapter };

// --- helpers ------------------------------------------------------------------------------------------------

function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function rssBytes() {
  return process.memoryUsage.rss();
}

async function settleMemory() {
  for (let i = 0; i < 3; i++) { globalThis.gc?.(); await sleep(50); }
  globalThis.gc?.();
  return process.memoryUsage();
}

/** Runs `n` requests with at most `window` outstanding; `issue(i, h)` sends request i. */
function pipelined(n, window, issue) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = 0;
    const h = {
      ok() {
        if (++done === n) resolve();
        else if (sent < n) issue(sent++, h);
      },
      err(e) { reject(e); },
    };
    while (sent < Math.min(n, window)) issue(sent++, h);
  });
}

function oneShot(a, fnName, zk, ...args) {
  return new Promise((resolve, reject) => a[fnName](zk, ...args, { ok: resolve, err: reject }));
}

/** Runs `body()` and returns its wall time (ms) and this process's CPU time over it (µs). */
async function measure(body) {
  const c0 = cpuMicros();
  const t0 = performance.now();
  await body();
  return { wall: performance.now() - t0, cpu: cpuMicros() - c0 };
}

/**
 * `warmup` requests, then `count` timed ones, at most `window` outstanding (see pipelined):
 * ops/s and CPU µs per op.
 */
async function timedPipelined(issue) {
  const window = num('window');
  await pipelined(num('warmup'), window, issue);
  const n = num('count');
  const { wall, cpu } = await measure(() => pipelined(n, window, issue));
  return { ops_s: n / (wall / 1000), cpu_us_op: cpu / n };
}

/**
 * `warmup` calls of `op()`, then `count` timed ones, one after another: ops/s, CPU µs per op,
 * and each timed call's latency (ms, sorted).
 */
async function timedSerial(op) {
  for (let i = 0; i < num('warmup'); i++) await op();
  const n = num('count');
  const lat = new Float64Array(n);
  const { wall, cpu } = await measure(async () => {
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await op();
      lat[i] = performance.now() - s;
    }
  });
  lat.sort();
  return { ops_s: n / (wall / 1000), cpu_us_op: cpu / n, lat };
}

// --- workloads ------------------------------------------------------------------------------------------

const workloads = {
  async connect(a) {
    const times = [];
    for (let i = 0; i < num('count'); i++) {
      const t0 = performance.now();
      const zk = await a.open(P.hosts);
      times.push(performance.now() - t0);
      await a.close(zk);
    }
    return { first_ms: times[0], connect_ms: median(times.slice(1).length ? times.slice(1) : times) };
  },

  async sget(a) {
    const zk = await a.open(P.hosts);
    const { ops_s, cpu_us_op, lat } = await timedSerial(() => oneShot(a, 'get', zk, P.path));
    await a.close(zk);
    return { ops_s, p50_ms: pct(lat, 50), p99_ms: pct(lat, 99), cpu_us_op };
  },

  async pget(a) {
    const zk = await a.open(P.hosts);
    const result = await timedPipelined((i, h) => a.get(zk, P.path, h));
    await a.close(zk);
    return result;
  },

  /** zookit only: pipelined get with no subscriber, a no-op channel subscriber, and @zookit/otel (otel-overhead.mjs). */
  async otel(a) {
    if (clientName !== 'zookit') return { na: 'zookit only' };
    return otelOverhead({
      open: () => a.open(P.hosts), close: (zk) => a.close(zk), get: (zk, h) => a.get(zk, P.path, h), pipelined, measure,
      warmup: num('warmup'), count: num('count'), window: num('window'),
    });
  },

  async pcreate(a) {
    const zk = await a.open(P.hosts);
    const parent = `${P.base}/c-${P.run}`;
    await a.createPlain(zk, parent, Buffer.alloc(0));
    const data = Buffer.alloc(num('size'), 120);
    const prefix = `${parent}/n-`;
    const result = await timedPipelined((i, h) => a.create(zk, prefix, data, h));
    // clean up (not measured)
    const kids = await a.children(zk, parent);
    await pipelined(kids.length, num('window'), (i, h) => a.del(zk, `${parent}/${kids[i]}`, h));
    await oneShot(a, 'del', zk, parent);
    await a.close(zk);
    return result;
  },

  async pset(a) {
    const zk = await a.open(P.hosts);
    const path = `${P.base}/s-${P.run}`;
    await a.createPlain(zk, path, Buffer.alloc(0));
    const data = Buffer.alloc(num('size'), 121);
    const result = await timedPipelined((i, h) => a.set(zk, path, data, h));
    await oneShot(a, 'del', zk, path);
    await a.close(zk);
    return result;
  },

  async big(a) {
    const zk = await a.open(P.hosts);
    const path = P.path;
    const first = await oneShot(a, 'get', zk, path);
    const got = first?.data ?? first;
    if (!got || got.length !== num('size')) throw new Error(`1 MB node read returned ${got?.length} bytes`);
    const { ops_s, cpu_us_op, lat } = await timedSerial(() => oneShot(a, 'get', zk, path));
    await a.close(zk);
    return { ops_s, p50_ms: pct(lat, 50), cpu_us_op };
  },

  async lock(a) {
    const { Lock } = await import('@zookit/recipes');
    const zk = await a.open(P.hosts);
    const lock = new Lock(zk, `${P.base}/lock-${P.run}`);
    const { ops_s, cpu_us_op } = await timedSerial(async () => { await lock.acquire(); await lock.release(); });
    await a.close(zk);
    return { cycles_s: ops_s, cpu_us_op };
  },

  async contended(a) {
    const { Lock } = await import('@zookit/recipes');
    const k = num('sessions');
    const path = `${P.base}/clock-${P.run}`;
    const clients = await Promise.all(Array.from({ length: k }, () => a.open(P.hosts)));
    let holder = -1;
    let violations = 0;
    let handoffs = 0;
    let stop = false;
    const durationMs = num('seconds') * 1000;
    const t0 = performance.now();
    await Promise.all(clients.map(async (zk, id) => {
      const lock = new Lock(zk, path);
      while (!stop) {
        await lock.acquire();
        if (holder !== -1) violations++;
        holder = id;
        handoffs++;
        if (performance.now() - t0 >= durationMs) stop = true;
        holder = -1;
        await lock.release();
      }
    }));
    const wall = performance.now() - t0;
    await Promise.all(clients.map((zk) => a.close(zk)));
    return { handoffs_s: handoffs / (wall / 1000), violations };
  },

  queue: async (a) => (await import('./queue-bench.mjs')).queue(a, P),

  async election(a) {
    const { Election } = await import('@zookit/recipes');
    const times = [];
    for (let r = 0; r < num('count'); r++) {
      const path = `${P.base}/elect-${P.run}-${r}`;
      const [za, zb] = await Promise.all([a.open(P.hosts), a.open(P.hosts)]);
      let aLeads;
      const aLeading = new Promise((res) => { aLeads = res; });
      const ea = new Election(za, path, 'a');
      const runA = ea.run((signal) => { aLeads(); return new Promise((res) => signal.addEventListener('abort', res)); }).catch(() => {});
      await aLeading;
      let bLeads;
      const bLeading = new Promise((res) => { bLeads = res; });
      let releaseB;
      const eb = new Election(zb, path, 'b');
      const runB = eb.run(() => { bLeads(performance.now()); return new Promise((res) => { releaseB = res; }); }).catch(() => {});
      await sleep(200); // b is queued behind a
      const t0 = performance.now();
      await a.close(za);
      const t1 = await bLeading;
      times.push(t1 - t0);
      releaseB();
      await Promise.race([Promise.all([runA, runB]), sleep(2000)]);
      await a.close(zb);
    }
    return { failover_ms: median(times), max_ms: Math.max(...times) };
  },

  async sessions(a) {
    const n = num('count');
    const clients = [];
    await settleMemory();
    const rss0 = rssBytes();
    const t0 = performance.now();
    const opened = await Promise.all(Array.from({ length: n }, () => a.open(P.hosts)));
    const wall = performance.now() - t0;
    clients.push(...opened);
    // every session answers a request
    await Promise.all(clients.map((zk) => a.exists(zk, '/')));
    await settleMemory();
    const rss1 = rssBytes();
    await Promise.all(clients.map((zk) => a.close(zk)));
    return { connect_all_ms: wall, rss_mb: rss1 / 1048576, kb_per_session: (rss1 - rss0) / 1024 / n };
  },

  async watches(a) {
    const n = num('count');
    const zk = await a.open(P.hosts);
    const base = P.path;
    let fired = 0;
    const watcher = () => { fired++; };
    for (let i = 0; i < 50; i++) await a.exists(zk, `${base}/n${i}`);
    const m0 = await settleMemory();
    const rss0 = rssBytes();
    const t0 = performance.now();
    await pipelined(n, num('window'), (i, h) => a.existsWatch(zk, `${base}/n${i}`, watcher, h));
    const setMs = performance.now() - t0;
    const m1 = await settleMemory();
    const rss1 = rssBytes();
    // cut the connection (the parent's FaultProxy), then time until a request on the new connection returns:
    // the client sends its SetWatches first, and the server answers in order.
    const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
    process.stdout.write('CUT\n');
    await lines.next();
    const c0 = performance.now();
    for (;;) {
      try { await a.exists(zk, '/'); break; } catch { await sleep(1); }
    }
    const reregMs = performance.now() - c0;
    // prove the watches survived: change the last watched node and wait for its event
    await a.setSync(zk, `${base}/n${n - 1}`, Buffer.from(`v${Date.now()}`));
    const deadline = performance.now() + 5000;
    while (fired === 0 && performance.now() < deadline) await sleep(5);
    await a.close(zk);
    return {
      heap_b_watch: (m1.heapUsed + m1.external - m0.heapUsed - m0.external) / n,
      rss_b_watch: (rss1 - rss0) / n,
      rss_mb: rss1 / 1048576,
      set_ms: setMs,
      rereg_ms: reregMs,
      verified: fired > 0,
    };
  },

  // ServiceProvider.getInstance() from a warm provider, and the time from a backend's SIGKILL
  // until the provider no longer returns it (the backend is another process; its session expires).
  async discovery() {
    if (clientName !== 'zookit') return { na: 'no discovery recipe' };
    const { ServiceDiscovery } = await import('@zookit/discovery');
    const { spawn } = await import('node:child_process');
    const zk = await (await zookitAdapter()).open(P.hosts);
    const basePath = `${P.base}/sd-${P.run}`;
    const sd = new ServiceDiscovery(zk, { basePath });
    await sd.start();
    for (let i = 0; i < num('instances'); i++) await sd.register({ name: 'svc', id: `i${i}`, address: '127.0.0.1', port: 9000 + i });
    const provider = sd.serviceProvider('svc');
    await provider.start();
    let sink = 0;
    for (let i = 0; i < num('warmup'); i++) sink += provider.getInstance().port;
    const n = num('calls');
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += provider.getInstance().port;
    const getUs = ((performance.now() - t0) * 1000) / n;
    const removals = [];
    for (let k = 0; k < num('kills'); k++) {
      const id = `victim-${k}`;
      const child = spawn(process.execPath, [new URL('./discovery-registrar.mjs', import.meta.url).pathname, P.hosts, basePath, 'svc', id, P.regTimeout], { stdio: ['ignore', 'pipe', 'inherit'] });
      const has = () => provider.getAllInstances().some((i) => i.id === id);
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const registeredAt = performance.now();
      while (!has()) await new Promise((resolve) => provider.cache.once('changed', resolve));
      // Killed a fixed time after it registered (not after the provider saw it): the expiry
      // counts from the backend's last ping, so the kill must sit at the same place in its ping cycle for every client.
      await sleep(Math.max(0, registeredAt + num('killAfter') - performance.now()));
      const killedAt = performance.now();
      child.kill('SIGKILL');
      while (has()) await new Promise((resolve) => provider.cache.once('changed', resolve));
      removals.push(performance.now() - killedAt);
    }
    await sd.close();
    await zk.stop();
    return { get_us: getUs, removal_ms: median(removals), removal_max_ms: Math.max(...removals), sink: sink > 0 };
  },
};

const a = await adapters[clientName]();
const fn = workloads[workload];
if (!fn) {
  process.stdout.write(`RESULT ${JSON.stringify({ na: `no ${workload} workload` })}\n`);
  process.exit(0);
}
try {
  const result = await fn(a);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (e) {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.stdout.write(`RESULT ${JSON.stringify({ error: String(e?.message ?? e).slice(0, 200) })}\n`);
  process.exit(1);
}
