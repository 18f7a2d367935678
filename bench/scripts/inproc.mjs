// The in-process A/B of ab.mjs --inproc: both checkouts' @zookit/client builds loaded side by side,
// each with its own session to one server, taking turns batch by batch (pipelined sequential
// creates of 100 B, then pipelined gets), the order flipping every round. CPU per op is the
// process's user+system time over the batch (the other client is idle meanwhile).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A real ZooKeeper from @zookit/testing, or (stub) stub-server.mjs in a process of its own. */
async function startTarget(head, stub) {
  if (!stub) {
    const { startServer } = await import(pathToFileURL(path.join(head, 'packages/testing/dist/index.js')).href);
    return startServer({ jvmFastStart: false, jvmFlags: ['-Xmx1g'], extraConfig: ['maxClientCnxns=0'] });
  }
  const child = spawn(process.execPath, [fileURLToPath(new URL('./stub-server.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  return { pid: child.pid, connectString: `127.0.0.1:${/PORT (\d+)/.exec(line)[1]}`, stop: async () => child.stdin.end() };
}

/** Runs the comparison and prints its table. */
export async function inProcess({ base, head, rounds, count, window, pin, stub }) {
  const server = await startTarget(head, stub);
  // With two or more CPUs: the server's threads on the last CPU, this process on the first, so
  // the two do not take turns on one core (the main source of noise in a pipelined batch).
  const cpus = availableParallelism();
  if (pin && cpus >= 2 && server.pid) {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpus - 1), String(server.pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  }
  const clientOf = async (tree) => (await import(pathToFileURL(path.join(tree, 'packages/client/dist/index.js')).href)).ZooKeeperClient;
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
  console.log(`base ${base} · head ${head} · one process, one ${stub ? 'stub server (canned replies)' : 'server'}${pin ? ' (pinned to separate CPUs)' : ''} · ${rounds} rounds × ${count} requests, window ${window}, alternating`);
  // A round's two batches ran back to back against the same server: their ratio cancels the drift
  // between rounds, so the median of the per-round ratios is the figure to read.
  const quartiles = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[Math.floor((s.length - 1) / 4)].toFixed(3)}–${s[Math.ceil(((s.length - 1) * 3) / 4)].toFixed(3)}`;
  };
  console.log('| row | base (median, min–max) | head (median, min–max) | head ÷ base, median of the rounds (quartiles) |');
  console.log('|---|---|---|---|');
  for (const [w, label] of [['create', 'pipelined create (seq, 100 B)'], ['get', 'pipelined get']]) {
    for (const [k, unit, dir] of [['ops', 'ops/s', '↑'], ['cpu', 'client CPU µs/op', '↓']]) {
      const b = sides.base[w].map((x) => x[k]);
      const h = sides.head[w].map((x) => x[k]);
      const ratios = h.map((x, i) => x / b[i]);
      console.log(`| ${label}, ${unit} ${dir} | ${fmt(median(b))} (${range(b)}) | ${fmt(median(h))} (${range(h)}) | ${median(ratios).toFixed(3)} (${quartiles(ratios)}) |`);
    }
  }
}
