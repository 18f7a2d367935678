#!/usr/bin/env node
// zookit benchmark: every workload, every client, each run in its own child process, interleaved over N rounds.
// Usage: node run.mjs [--quick] [--rounds N] [--only w1,w2] [--clients zookit,nzc,...] [--out results]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const JARS = '/usr/share/java';
const PYTHON = '/usr/bin/python3';

// --- arguments ----------------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt; };
if (flag('--help') || flag('-h')) {
  console.log('node run.mjs [--quick] [--rounds N] [--only w1,w2] [--clients zookit,nzc,cbind,kazoo,java,curator] [--out dir]');
  process.exit(0);
}
const QUICK = flag('--quick');
const ROUNDS = Number(opt('--rounds', QUICK ? 1 : 5));
const OUT = path.resolve(HERE, opt('--out', 'results'));

// --- clients ------------------------------------------------------------------------------------------------
const CLIENTS = {
  zookit: { label: 'zookit', lang: 'node' },
  nzc: { label: 'node-zookeeper-client', lang: 'node' },
  cbind: { label: 'zookeeper (C binding)', lang: 'node' },
  kazoo: { label: 'kazoo', lang: 'python' },
  java: { label: 'ZooKeeper Java client', lang: 'java' },
  curator: { label: 'Curator', lang: 'java' },
};
const ALL_CLIENTS = Object.keys(CLIENTS);
let wantedClients = opt('--clients', ALL_CLIENTS.join(',')).split(',').filter(Boolean);
if (!wantedClients.includes('zookit')) wantedClients.unshift('zookit');
for (const c of wantedClients) if (!CLIENTS[c]) { console.error(`unknown client ${c}`); process.exit(2); }

// --- workloads ------------------------------------------------------------------------------------------------
// params: same for every client. rows: what the table shows (dir +1: higher is better, -1: lower is better);
// the first row is the workload's headline (used for the chart).
const q = (full, quick) => (QUICK ? quick : full);
const RAW = ['zookit', 'nzc', 'cbind', 'kazoo', 'java', 'curator'];
const RECIPES = ['zookit', 'kazoo', 'curator'];
const WORKLOADS = {
  connect: {
    title: 'connect', clients: RAW, params: { count: q(11, 4) },
    rows: [['connect, ms (median of the 2nd+ connects)', 'connect_ms', -1, 2], ['first connect in the process, ms', 'first_ms', -1, 1]],
  },
  sget: {
    title: 'serial get', clients: RAW, params: { warmup: q(500, 200), count: q(5000, 1000) },
    rows: [['serial get p50, ms', 'p50_ms', -1, 3], ['serial get p99, ms', 'p99_ms', -1, 3], ['serial get, ops/s', 'ops_s', 1, 0], ['serial get, client CPU µs/op', 'cpu_us_op', -1, 1]],
  },
  pget: {
    title: 'pipelined get', clients: RAW, params: { warmup: q(5000, 2000), count: q(50000, 10000), window: 1000 },
    rows: [['pipelined get, ops/s', 'ops_s', 1, 0], ['pipelined get, client CPU µs/op', 'cpu_us_op', -1, 1]],
  },
  otel: {
    title: 'pipelined get: tracing overhead', clients: ['zookit'], params: { warmup: q(5000, 2000), count: q(50000, 10000), window: 1000 },
    rows: [
      ['pipelined get, client CPU µs/op, no subscriber on the channels', 'cpu_us_op', -1, 2],
      ['… with a no-op subscriber on zookit:request', 'cpu_us_op_sub', -1, 2],
      ['… with @zookit/otel active (SDK, batch span processor, metric reader)', 'cpu_us_op_otel', -1, 2],
      ['… @zookit/otel CPU ÷ no subscriber', 'otel_cpu_ratio', -1, 2],
    ],
  },
  pcreate: {
    title: 'pipelined create', clients: RAW, params: { warmup: q(1000, 500), count: q(20000, 5000), size: 100, window: 1000 },
    rows: [['pipelined create (seq, 100 B), ops/s', 'ops_s', 1, 0], ['pipelined create, client CPU µs/op', 'cpu_us_op', -1, 1]],
  },
  pset: {
    title: 'pipelined set', clients: RAW, params: { warmup: q(1000, 500), count: q(20000, 5000), size: 100, window: 1000 },
    rows: [['pipelined set (100 B), ops/s', 'ops_s', 1, 0], ['pipelined set, client CPU µs/op', 'cpu_us_op', -1, 1]],
  },
  big: {
    title: '1 MB read', clients: RAW, params: { size: 1_000_000, warmup: q(10, 5), count: q(200, 40) },
    rows: [['1 MB node read, reads/s', 'ops_s', 1, 1], ['1 MB node read p50, ms', 'p50_ms', -1, 2], ['1 MB node read, client CPU µs/read', 'cpu_us_op', -1, 0]],
  },
  lock: {
    title: 'uncontended lock', clients: RECIPES, recipes: true, params: { warmup: q(50, 20), count: q(1000, 200) },
    rows: [['uncontended lock acquire+release, cycles/s', 'cycles_s', 1, 0], ['uncontended lock, client CPU µs/cycle', 'cpu_us_op', -1, 0]],
  },
  contended: {
    title: 'contended lock', clients: RECIPES, recipes: true, params: { sessions: 8, seconds: q(10, 3) },
    rows: [['contended lock (8 sessions), handoffs/s', 'handoffs_s', 1, 0], ['mutual-exclusion violations', 'violations', -1, 0]],
  },
  election: {
    title: 'election failover', clients: RECIPES, recipes: true, ensemble: true, params: { count: q(5, 2) },
    rows: [['election failover (leader session closed → new leader runs), ms', 'failover_ms', -1, 1]],
  },
  queue: {
    title: 'queue at least once', clients: RECIPES, recipes: true, params: { consumers: 4, window: 100, warmup: q(200, 50), count: q(2000, 400) },
    rows: [
      ['queue, at least once, 4 consumers: items/s produced and consumed', 'items_s', 1, 0], ['… producer alone, puts/s', 'produce_s', 1, 0],
      ['… items lost', 'lost', -1, 0], ['… duplicates', 'duplicates', -1, 0],
    ],
  },
  sessions: {
    title: '1,000 sessions', clients: ['zookit', 'nzc', 'cbind', 'kazoo', 'java'], params: { count: q(1000, 200) },
    rows: [[`${q('1,000', '200')} sessions: connect all, ms`, 'connect_all_ms', -1, 0], ['… RSS, MB', 'rss_mb', -1, 0], ['… RSS per session, KB', 'kb_per_session', -1, 1]],
  },
  watches: {
    title: 'data watches', clients: ['zookit', 'nzc', 'cbind', 'kazoo', 'java'], proxy: true, params: { count: q(10000, 2000), window: 1000 },
    rows: [
      [`${q('10,000', '2,000')} watches: retained heap per watch, bytes`, 'heap_b_watch', -1, 0],
      ['… RSS per watch, bytes', 'rss_b_watch', -1, 0],
      ['… process RSS, MB', 'rss_mb', -1, 0],
      ['… re-register all after a cut, ms', 'rereg_ms', -1, 1],
    ],
  },
  cache: {
    title: 'tree cache', clients: RECIPES, recipes: true, proxy: true, params: { nodes: q(10000, 2000), outage: 2000 },
    rows: [
      [`tree cache: initial load of ${q('10,000', '2,000')} nodes (depth 3, 100 B), ms`, 'load_ms', -1, 0],
      ['… retained heap per cached node, bytes', 'heap_b_node', -1, 0],
      ['… after a 2 s outage (10 nodes changed): reconnect → all changes visible, ms', 'rebuild_ms', -1, 0],
      ['… events emitted for those 10 changes (right answer: 15)', 'events', 0, 0],
    ],
  },
  discovery: {
    title: 'service discovery', clients: ['zookit', 'curator'], recipes: true,
    params: { instances: 3, warmup: q(200000, 50000), calls: q(1000000, 200000), kills: q(5, 1), regTimeout: 2000, killAfter: 1000, node: process.execPath },
    rows: [['ServiceProvider.getInstance(), warm provider of 3, µs/call', 'get_us', -1, 3], ['backend SIGKILL → gone from the provider, ms (session timeout 2 s, killed 1 s after it registered)', 'removal_ms', -1, 0]],
  },
};
// Rows that count events (a total over the runs, no ratio).
const COUNTS = new Set(['violations', 'lost', 'duplicates']);
const onlyList = opt('--only', '').split(',').filter(Boolean);
for (const w of onlyList) if (!WORKLOADS[w]) { console.error(`unknown workload ${w}; one of ${Object.keys(WORKLOADS).join(', ')}`); process.exit(2); }
let workloadNames = onlyList.length ? onlyList : Object.keys(WORKLOADS);

// --- availability of each peer ------------------------------------------------------------------------------
const na = {}; // client -> reason it is unavailable
const naRecipes = {}; // client -> reason its recipes are unavailable

function probe(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts });
  return r.status === 0 ? null : (r.error?.message ?? `${r.stderr || r.stdout}`.trim().split('\n').slice(-3).join(' ').slice(0, 300)) || `exit ${r.status}`;
}

const BUILD = path.join(HERE, '.build');
let javaClasspath = '';
function javaJars() {
  const want = [
    'zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-api.jar', 'slf4j-nop.jar', 'audience-annotations.jar',
    'netty-handler.jar', 'netty-common.jar', 'netty-buffer.jar', 'netty-transport.jar', 'netty-codec.jar', 'netty-resolver.jar',
    'netty-transport-native-epoll.jar', 'netty-transport-native-unix-common.jar', 'metrics-core.jar', 'commons-io.jar',
    'curator-client.jar', 'curator-framework.jar', 'curator-recipes.jar', 'guava.jar', 'failureaccess.jar', 'jackson-core.jar',
    'jackson-databind.jar', 'jackson-annotations.jar', 'curator-x-discovery.jar',
  ];
  return want.map((j) => path.join(JARS, j)).filter((j) => existsSync(j));
}

function checkPeers() {
  const node = process.execPath;
  if (wantedClients.includes('nzc')) {
    const r = probe(node, ['-e', "require('node-zookeeper-client')"], { cwd: HERE });
    if (r) na.nzc = `not available: ${r}`;
  }
  if (wantedClients.includes('cbind')) {
    const r = probe(node, ['-e', "require('zookeeper')"], { cwd: HERE });
    if (r) na.cbind = `not available: the npm zookeeper C binding did not build/load here (${r})`;
  }
  if (wantedClients.includes('kazoo')) {
    if (!existsSync(PYTHON)) na.kazoo = `not available: ${PYTHON} missing`;
    else {
      const r = probe(PYTHON, ['-c', 'import kazoo']);
      if (r) na.kazoo = `not available: python3-kazoo not installed (apt-get install -y python3-kazoo): ${r}`;
    }
  }
  if (wantedClients.includes('java') || wantedClients.includes('curator')) {
    const jars = javaJars();
    javaClasspath = [BUILD, ...jars].join(':');
    mkdirSync(BUILD, { recursive: true });
    const missing = ['zookeeper.jar', 'zookeeper-jute.jar'].filter((j) => !existsSync(path.join(JARS, j)));
    const r = missing.length ? `missing ${missing.join(', ')}` :
      probe('javac', ['-nowarn', '-d', BUILD, '-cp', jars.join(':'), path.join(HERE, 'peers', 'JavaBench.java'), path.join(HERE, 'peers', 'CacheBench.java'), path.join(HERE, 'peers', 'QueueBench.java')]);
    if (r) { na.java = na.curator = `not available: javac/jars (${r})`; }
    else if (!['curator-framework.jar', 'curator-recipes.jar', 'curator-client.jar'].every((j) => existsSync(path.join(JARS, j)))) {
      na.curator = 'not available: Curator jars missing (apt-get install -y libcurator-recipes-java libcurator-framework-java)';
    }
  }
  for (const c of wantedClients) if (na[c]) console.log(`  ${c}: ${na[c]}`);
}

async function checkRecipes() {
  try {
    const r = await import('@zookit/recipes');
    if (typeof r.Lock !== 'function' || typeof r.Election !== 'function') throw new Error('Lock/Election not exported');
  } catch (e) {
    naRecipes.zookit = `n/a (recipes not available: ${String(e.message).split('\n')[0].slice(0, 120)})`;
    console.log(`  zookit recipes: ${naRecipes.zookit}`);
  }
}

// --- children ------------------------------------------------------------------------------------------------
function commandFor(client, workload, params) {
  const kv = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  const lang = CLIENTS[client].lang;
  if (workload === 'cache') {
    // the tree caches have their own drivers (TreeCache, kazoo TreeCache, Curator CuratorCache)
    if (lang === 'node') return [process.execPath, ['--expose-gc', path.join(HERE, 'peers', 'cache-worker.mjs'), client, workload, ...kv]];
    if (lang === 'python') return [PYTHON, [path.join(HERE, 'peers', 'kazoo_cache.py'), workload, ...kv]];
    return ['java', ['-XX:+UseParallelGC', '-Xmx1g', '-cp', javaClasspath, 'CacheBench', client, workload, ...kv]];
  }
  if (lang === 'node') return [process.execPath, ['--expose-gc', path.join(HERE, 'peers', 'node-worker.mjs'), client, workload, ...kv]];
  if (lang === 'python') return [PYTHON, [path.join(HERE, 'peers', 'kazoo_bench.py'), workload, ...kv]];
  return ['java', ['-XX:+UseParallelGC', '-Xmx1g', '-cp', javaClasspath, 'JavaBench', client, workload, ...kv]];
}

let runCounter = 0;
function runChild(client, workload, params, { proxy, timeoutMs }) {
  const [cmd, args] = commandFor(client, workload, { ...params, run: `${process.pid}-${++runCounter}` });
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: HERE, stdio: ['pipe', 'pipe', 'pipe'] });
    let result;
    let stderr = '';
    const timer = setTimeout(() => { stderr += `\n[timed out after ${timeoutMs} ms]`; child.kill('SIGKILL'); }, timeoutMs);
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    child.stdin.on('error', () => {});
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'CUT') {
        if (proxy) proxy.cut();
        child.stdin.write('OK\n');
      } else if (line === 'OUTAGE') {
        // refuse reconnects, then drop the connection: the client is cut off until HEAL
        proxy?.refuse();
        proxy?.cut();
        child.stdin.write('OK\n');
      } else if (line === 'HEAL') {
        proxy?.heal();
        child.stdin.write('OK\n');
      } else if (line.startsWith('RESULT ')) {
        try { result = JSON.parse(line.slice(7)); } catch { result = { error: `bad result line: ${line.slice(0, 200)}` }; }
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!result) result = { error: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` };
      else if (result.error && stderr) result.stderr = stderr.trim().split('\n').slice(-5).join(' | ').slice(0, 500);
      resolve(result);
    });
  });
}

// --- statistics and report ------------------------------------------------------------------------------------
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
function fmt(v, digits) {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  if (typeof v === 'boolean') return String(v);
  const a = Math.abs(v);
  if (a >= 10_000) return `${(v / 1000).toFixed(a >= 100_000 ? 0 : 1)}k`;
  return v.toFixed(a >= 1000 ? 0 : digits);
}

function summarize(results) {
  // results[workload][client] = [metrics...]
  const rows = [];
  for (const w of workloadNames) {
    const spec = WORKLOADS[w];
    for (const [label, key, dir, digits] of spec.rows) {
      const row = { workload: w, label, key, dir, digits, cells: {} };
      for (const c of wantedClients) {
        const runs = results[w]?.[c];
        if (!spec.clients.includes(c)) { row.cells[c] = { na: 'no such workload' }; continue; }
        if (!runs) { row.cells[c] = { na: na[c] ?? (spec.recipes ? naRecipes[c] : undefined) ?? 'not run' }; continue; }
        const ok = runs.filter((r) => !r.error && !r.na && typeof r[key] === 'number');
        const errs = runs.filter((r) => r.error || r.na);
        if (!ok.length) { row.cells[c] = { na: errs[0]?.na ?? `failed: ${errs[0]?.error ?? 'no value'}` }; continue; }
        const vals = ok.map((r) => r[key]);
        row.cells[c] = { median: median(vals), min: Math.min(...vals), max: Math.max(...vals), n: vals.length, failed: errs.length };
        if (COUNTS.has(key)) row.cells[c].median = vals.reduce((a, b) => a + b, 0);
      }
      const z = row.cells.zookit?.median;
      for (const c of wantedClients) {
        const cell = row.cells[c];
        if (c !== 'zookit' && !COUNTS.has(key) && cell?.median !== undefined && z !== undefined && cell.median !== 0 && row.dir !== 0) cell.ratio = z / cell.median;
      }
      rows.push(row);
    }
  }
  return rows;
}

function markdown(rows, meta) {
  const cols = wantedClients;
  const lines = [];
  lines.push(`# zookit benchmark — ${meta.mode}`);
  lines.push('');
  lines.push(`${meta.date} · ${meta.rounds} round(s) · ZooKeeper ${meta.server} (standalone; 3-server ensemble for failover) · Node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · total ${(meta.wallMs / 60000).toFixed(1)} min`);
  lines.push('');
  lines.push(`Command: \`${meta.command}\`. Each cell: median (min–max) over the rounds; \`×\` = zookit ÷ peer (↑ higher is better, ↓ lower is better, = an exact answer is right, for that row). Every run is its own process; one run per client per round, in an order that rotates every round.`);
  lines.push('');
  lines.push(`| workload | ${cols.map((c) => CLIENTS[c].label).join(' | ')} |`);
  lines.push(`|---|${cols.map(() => '---').join('|')}|`);
  for (const r of rows) {
    const cells = cols.map((c) => {
      const x = r.cells[c];
      if (!x || x.na) return x?.na === 'no such workload' ? 'n/a' : `n/a${x?.na ? ` (${x.na.replace(/\|/g, '/').slice(0, 80)})` : ''}`;
      if (COUNTS.has(r.key)) return `${x.median}`;
      let s = `${fmt(x.median, r.digits)}`;
      if (x.n > 1) s += ` (${fmt(x.min, r.digits)}–${fmt(x.max, r.digits)})`;
      if (x.ratio !== undefined) s += ` · ${x.ratio.toFixed(2)}×`;
      if (x.failed) s += ` [${x.failed} failed]`;
      return s;
    });
    lines.push(`| ${r.label} ${r.dir > 0 ? '↑' : r.dir < 0 ? '↓' : '='} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  const notes = [];
  for (const c of cols) if (na[c]) notes.push(`- ${CLIENTS[c].label}: ${na[c]}`);
  for (const c of cols) if (naRecipes[c]) notes.push(`- ${CLIENTS[c].label} recipes: ${naRecipes[c]}`);
  for (const n of meta.notes) notes.push(`- ${n}`);
  if (notes.length) { lines.push('Notes:'); lines.push(...notes); lines.push(''); }
  return lines.join('\n');
}

function svg(rows) {
  // Headline rows only: "zookit advantage" = ratio for ↑ rows, 1/ratio for ↓ rows; > 1 means zookit is better.
  const peers = wantedClients.filter((c) => c !== 'zookit');
  const colors = { nzc: '#d95f02', cbind: '#7570b3', kazoo: '#e7298a', java: '#66a61e', curator: '#e6ab02' };
  const CHART = new Map([
    ['connect.connect_ms', 'connect time'], ['sget.p50_ms', 'serial get p50'], ['sget.p99_ms', 'serial get p99'],
    ['pget.ops_s', 'pipelined get ops/s'], ['pget.cpu_us_op', 'pipelined get CPU/op'], ['pcreate.ops_s', 'pipelined create ops/s'],
    ['pcreate.cpu_us_op', 'pipelined create CPU/op'], ['pset.ops_s', 'pipelined set ops/s'], ['pset.cpu_us_op', 'pipelined set CPU/op'],
    ['big.ops_s', '1 MB reads/s'], ['lock.cycles_s', 'uncontended lock cycles/s'], ['contended.handoffs_s', 'contended lock handoffs/s'],
    ['election.failover_ms', 'election failover time'], ['queue.items_s', 'queue items/s (at least once)'], ['sessions.connect_all_ms', 'many sessions: connect all'],
    ['sessions.kb_per_session', 'many sessions: RSS/session'], ['watches.heap_b_watch', 'watches: heap/watch'],
    ['watches.rss_b_watch', 'watches: RSS/watch'], ['watches.rereg_ms', 'watches: re-register after cut'],
    ['discovery.get_us', 'discovery: getInstance()'], ['discovery.removal_ms', 'discovery: SIGKILL → removal'],
    ['cache.load_ms', 'tree cache: initial load'], ['cache.heap_b_node', 'tree cache: heap/node'], ['cache.rebuild_ms', 'tree cache: rebuild after outage'],
  ]);
  const heads = rows.filter((r) => CHART.has(`${r.workload}.${r.key}`));
  const items = [];
  for (const r of heads) {
    const bars = peers.filter((p) => r.cells[p]?.ratio !== undefined).map((p) => ({ p, adv: r.dir > 0 ? r.cells[p].ratio : 1 / r.cells[p].ratio }));
    if (bars.length) items.push({ label: CHART.get(`${r.workload}.${r.key}`), bars });
  }
  const barH = 11, gap = 10, left = 220, width = 520, top = 60;
  let y = top;
  const minL = Math.log10(1 / 30), maxL = Math.log10(30);
  const xOf = (v) => left + ((Math.log10(Math.min(30, Math.max(1 / 30, v))) - minL) / (maxL - minL)) * width;
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = [];
  for (const it of items) {
    parts.push(`<text x="${left - 8}" y="${y + (it.bars.length * barH) / 2 + 4}" text-anchor="end" font-size="11">${esc(it.label)}</text>`);
    for (const b of it.bars) {
      const x1 = xOf(1), x2 = xOf(b.adv);
      parts.push(`<rect x="${Math.min(x1, x2)}" y="${y}" width="${Math.max(1, Math.abs(x2 - x1))}" height="${barH - 2}" fill="${colors[b.p] ?? '#999'}"><title>${esc(CLIENTS[b.p].label)}: ${b.adv.toFixed(2)}×</title></rect>`);
      parts.push(`<text x="${x2 + (b.adv >= 1 ? 3 : -3)}" y="${y + barH - 3}" font-size="9" text-anchor="${b.adv >= 1 ? 'start' : 'end'}">${b.adv.toFixed(2)}×</text>`);
      y += barH;
    }
    y += gap;
  }
  const h = y + 30;
  const ticks = [1 / 30, 0.1, 0.3, 1, 3, 10, 30].map((t) => `<line x1="${xOf(t)}" y1="${top - 5}" x2="${xOf(t)}" y2="${y}" stroke="${t === 1 ? '#000' : '#ddd'}"/><text x="${xOf(t)}" y="${y + 14}" font-size="10" text-anchor="middle">${t < 1 ? `1/${Math.round(1 / t)}` : t}×</text>`);
  const legend = peers.map((p, i) => `<rect x="${10 + i * 150}" y="32" width="10" height="10" fill="${colors[p] ?? '#999'}"/><text x="${24 + i * 150}" y="41" font-size="11">${esc(CLIENTS[p].label)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${h}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" font-size="14" font-weight="bold">zookit advantage over each peer (log scale; &gt; 1× = zookit better, bar = ratio of medians)</text>
${legend.join('\n')}
${ticks.join('\n')}
${parts.join('\n')}
</svg>
`;
}

// --- main ------------------------------------------------------------------------------------------------------
async function setup(hosts) {
  const { ZooKeeperClient } = await import('@zookit/client');
  const zk = new ZooKeeperClient({ hosts });
  await zk.start();
  const mk = (p, d) => zk.create(p, d ?? null).catch((e) => { if (!(e?.name === 'NodeExistsError')) throw e; });
  await mk('/bench');
  await mk('/bench/data', Buffer.alloc(100, 97));
  await mk('/bench/big', Buffer.alloc(1_000_000, 98));
  await mk('/bench/w');
  const n = WORKLOADS.watches.params.count;
  for (let i = 0; i < n; i += 1000) await Promise.all(Array.from({ length: Math.min(1000, n - i) }, (_, j) => mk(`/bench/w/n${i + j}`, 'x')));
  if (workloadNames.includes('cache')) {
    // depth 3 below /bench/tree: 10 × 10 × k leaves, every node 100 bytes, about `nodes` in all
    const k = Math.max(10, Math.round((WORKLOADS.cache.params.nodes - 111) / 100));
    const data = Buffer.alloc(100, 99);
    await mk('/bench/tree', data);
    for (let a = 0; a < 10; a++) {
      await mk(`/bench/tree/a${a}`, data);
      for (let b = 0; b < 10; b++) {
        await mk(`/bench/tree/a${a}/b${b}`, data);
        await Promise.all(Array.from({ length: k }, (_, c) => mk(`/bench/tree/a${a}/b${b}/c${c}`, data)));
      }
    }
  }
  await zk.stop();
}

async function main() {
  const t0 = Date.now();
  const notes = [];
  console.log(`zookit bench: ${QUICK ? 'quick' : 'full'} mode, ${ROUNDS} round(s), workloads ${workloadNames.join(',')}, clients ${wantedClients.join(',')}`);
  checkPeers();
  await checkRecipes();
  const { startServer, startEnsemble, FaultProxy } = await import('@zookit/testing');
  const serverOpts = { jvmFastStart: false, extraConfig: ['maxClientCnxns=0', 'clientPortListenBacklog=1024'], jvmFlags: ['-Xmx1g'], maxSessionTimeout: 60000 };
  console.log('starting ZooKeeper (standalone)…');
  const server = await startServer({ ...serverOpts, source: 'local' });
  let ensemble;
  let proxy;
  const serverVersion = (await server.fourLetterWord('srvr').catch(() => '')).match(/version: ([\d.]+)/)?.[1] ?? '?';
  const results = {};
  try {
    await setup(server.connectString);
    for (const w of workloadNames) {
      const spec = WORKLOADS[w];
      let hosts = server.connectString;
      if (spec.ensemble) {
        console.log('starting a 3-server ensemble…');
        ensemble = await startEnsemble({ ...serverOpts, size: 3 });
        hosts = ensemble.connectString;
      }
      if (spec.proxy) {
        proxy = await FaultProxy.start({ target: { host: server.host, port: server.port } });
        hosts = proxy.connectString;
      }
      const params = { hosts, base: '/bench', path: w === 'big' ? '/bench/big' : w === 'watches' ? '/bench/w' : w === 'cache' ? '/bench/tree' : '/bench/data', ...spec.params };
      if (w === 'cache') params.direct = server.connectString;
      const clients = spec.clients.filter((c) => wantedClients.includes(c) && !na[c] && !(spec.recipes && naRecipes[c]));
      const peers = clients.filter((c) => c !== 'zookit');
      results[w] = {};
      if (spec.ensemble && clients.length) {
        // a fresh ensemble's JVMs are cold: one unrecorded run first, so round 1 does not penalise whoever runs first
        const res = await runChild(clients[0], w, { ...params, count: 1 }, { proxy, timeoutMs: 180_000 });
        console.log(`  [${w} warm-up] ${clients[0]} ${res.error ? `ERROR ${res.error}` : 'done'}`);
      }
      for (let r = 0; r < ROUNDS; r++) {
        // one run per client per round; the peer order rotates every round and zookit's slot moves through it,
        // so over the rounds zookit runs before and after every peer (zookit, peer, …, zookit, peer …)
        const order = peers.map((_, i) => peers[(i + r) % peers.length]);
        if (clients.includes('zookit')) order.splice(r % (peers.length + 1), 0, 'zookit');
        for (const c of order) {
          const ts = Date.now();
          const res = await runChild(c, w, params, { proxy, timeoutMs: 180_000 });
          res.secs = (Date.now() - ts) / 1000;
          (results[w][c] ??= []).push(res);
          const shown = res.error ? `ERROR ${res.error}` : spec.rows.map(([, k, , d]) => `${k}=${fmt(res[k], d)}`).join(' ');
          console.log(`  [${w} r${r + 1}] ${c.padEnd(8)} ${shown} (${((Date.now() - ts) / 1000).toFixed(1)}s)`);
        }
      }
      if (ensemble) { await ensemble.stop(); ensemble = undefined; }
      if (proxy) { await proxy.close(); proxy = undefined; }
    }
  } finally {
    if (proxy) await proxy.close().catch(() => {});
    if (ensemble) await ensemble.stop().catch(() => {});
    await server.stop().catch(() => {});
  }
  const rows = summarize(results);
  const wallMs = Date.now() - t0;
  const meta = {
    mode: QUICK ? 'quick (smoke) run' : 'full run', date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', rounds: ROUNDS,
    server: serverVersion, wallMs, notes,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
  };
  if (workloadNames.includes('watches')) notes.push('re-register = from the proxy cutting the connection until the first request on the new connection answers (the client sends its watches first); includes each client\'s own reconnect delay. A watch is then triggered to check the watches survived.');
  for (const [c, runs] of Object.entries(results.watches ?? {})) {
    const bad = runs.filter((r) => !r.error && r.verified === false).length;
    if (bad) notes.push(`${CLIENTS[c].label}: in ${bad} watches run(s) the watched node's change did not fire a watch within 5 s after the reconnect (watches not re-registered).`);
  }
  if (workloadNames.includes('cache')) notes.push('tree cache: zookit TreeCache (one persistent recursive watch, multiRead batches), kazoo TreeCache, Curator CuratorCache; each through a FaultProxy. The outage refuses and cuts the connection for 2 s while another client deletes and re-creates 5 nodes (same data and version) and sets 5; "reconnect → visible" runs from the client\'s reconnection until every changed node shows the server\'s czxid/mzxid; events are counted from the heal until 500 ms after that. The true difference is 5 deleted + 5 created + 5 changed = 15.');
  if (workloadNames.includes('sessions') || workloadNames.includes('watches')) notes.push('Curator: sessions/watches not run separately (it wraps the Java client\'s ZooKeeper handle).');
  mkdirSync(OUT, { recursive: true });
  const md = markdown(rows, meta);
  writeFileSync(path.join(OUT, 'latest.md'), `${md}\n`);
  writeFileSync(path.join(OUT, 'latest.json'), `${JSON.stringify({ meta: { ...meta, clients: wantedClients, na, naRecipes, params: Object.fromEntries(workloadNames.map((w) => [w, WORKLOADS[w].params])) }, rows, raw: results }, null, 1)}\n`);
  writeFileSync(path.join(OUT, 'latest.svg'), svg(rows));
  console.log(`\n${md}`);
  console.log(`wrote ${path.relative(process.cwd(), OUT)}/latest.{md,json,svg} in ${(wallMs / 1000).toFixed(0)} s`);
}

/** `--report file.json`: re-render latest.md/.svg from a saved JSON (pass --quick too if it was a quick run). */
async function rerender(file) {
  const { readFileSync } = await import('node:fs');
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  wantedClients = saved.meta.clients;
  workloadNames = Object.keys(saved.raw);
  Object.assign(na, saved.meta.na);
  Object.assign(naRecipes, saved.meta.naRecipes);
  const rows = summarize(saved.raw);
  mkdirSync(OUT, { recursive: true });
  const md = markdown(rows, saved.meta);
  writeFileSync(path.join(OUT, 'latest.md'), `${md}\n`);
  writeFileSync(path.join(OUT, 'latest.json'), `${JSON.stringify({ ...saved, rows }, null, 1)}\n`);
  writeFileSync(path.join(OUT, 'latest.svg'), svg(rows));
  console.log(md);
}

(opt('--report') ? rerender(path.resolve(opt('--report'))) : main()).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
