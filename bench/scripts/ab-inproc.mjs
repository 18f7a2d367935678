#!/usr/bin/env node
// zookit against an earlier zookit, in one process: both checkouts' @zookit/client builds are loaded
// side by side, each opens its own session to one server, and they take turns, batch by batch
// (pipelined sequential creates of 100 B, then pipelined gets), the order flipping every round.
// One process, one server, interleaved batches: drift in the machine's load hits both alike, and no
// difference between the two checkouts' bench harnesses or servers can show up as the client's.
//
//   node bench/scripts/ab-inproc.mjs --base ../baseline [--rounds 12] [--count 20000] [--window 1000]
//
// Both checkouts must be built. CPU per op is the process's user+system time over the batch
// (the other client is idle meanwhile). Prints, per row, median and spread for base and head, and head ÷ base.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const head = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const baseArg = opt('--base', undefined);
if (!baseArg) {
  console.error('usage: node bench/scripts/ab-inproc.mjs --base DIR [--rounds N] [--count N] [--window N]');
  process.exit(2);
}
const base = path.resolve(baseArg);
const rounds = Number(opt('--rounds', '12'));
const count = Number(opt('--count', '20000'));
const window = Number(opt('--window', '1000'));

const clientOf = async (tree) => (await import(pathToFileURL(path.join(tree, 'packages/client/dist/index.js')).href)).ZooKeeperClient;
const { startServer } = await import(pathToFileURL(path.join(head, 'packages/testing/dist/index.js')).href);
const server = await startServer({ jvmFastStart: false, jvmFlags: ['-Xmx1g'], extraConfig: ['maxClientCnxns=0'] });
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** `n` requests with `window` in flight; `fire(h)` sends one and settles through h.ok / h.err. */
function pipelined(n, fire) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = 0;
    const h = {
      ok: () => {
        done++;
        if (sent < n) {
          sent++;
          fire(h);
        } else if (done === n) resolve();
      },
      err: reject,
    };
    for (let i = 0; i < Math.min(window, n); i++) {
      sent++;
      fire(h);
    }
  });
}

async function timed(n, fire) {
  const c0 = cpuMicros();
  const t0 = performance.now();
  await pipelined(n, fire);
  return { cpu: (cpuMicros() - c0) / n, ops: n / ((performance.now() - t0) / 1000) };
}

const data = Buffer.alloc(100, 1);
const sides = {};
for (const [name, tree] of [['base', base], ['head', head]]) {
  const ZooKeeperClient = await clientOf(tree);
  const zk = new ZooKeeperClient({ hosts: server.connectString, sessionTimeout: 10_000 });
  await zk.start();
  await zk.create(`/ab-${name}`, data);
  sides[name] = { zk, create: [], get: [] };
}

try {
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? ['base', 'head'] : ['head', 'base']) {
      const s = sides[name];
      const parent = `/ab-${name}/r${r}`;
      await s.zk.create(parent, data);
      await pipelined(Math.min(1000, count), (h) => void s.zk.create(`${parent}/w-`, data, { sequential: true }).then(h.ok, h.err)); // warm-up
      s.create.push(await timed(count, (h) => void s.zk.create(`${parent}/n-`, data, { sequential: true }).then(h.ok, h.err)));
      s.get.push(await timed(count, (h) => void s.zk.get(`/ab-${name}`).then(h.ok, h.err)));
    }
    console.error(`round ${r + 1}/${rounds} done`);
  }
} finally {
  for (const s of Object.values(sides)) await s.zk.stop();
  await server.stop();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const range = (xs) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
console.log(`base ${base} · head ${head} · one process, one server · ${rounds} rounds × ${count} requests, window ${window}, alternating`);
console.log('| row | base (median, min–max) | head (median, min–max) | head ÷ base |');
console.log('|---|---|---|---|');
for (const [w, label] of [['create', 'pipelined create (seq, 100 B)'], ['get', 'pipelined get']]) {
  for (const [k, unit, dir] of [['ops', 'ops/s', '↑'], ['cpu', 'client CPU µs/op', '↓']]) {
    const b = sides.base[w].map((x) => x[k]);
    const h = sides.head[w].map((x) => x[k]);
    console.log(`| ${label}, ${unit} ${dir} | ${fmt(median(b))} (${range(b)}) | ${fmt(median(h))} (${range(h)}) | ${(median(h) / median(b)).toFixed(3)} |`);
  }
}
