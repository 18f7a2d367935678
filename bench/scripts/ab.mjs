#!/usr/bin/env node
// zookit against an earlier zookit, from two checkouts. Both checkouts must be built.
//
//   node bench/scripts/ab.mjs --base ../baseline [--rounds 6] [--only pget,pcreate]
//   node bench/scripts/ab.mjs --base ../baseline --inproc [--pin] [--stub] [--rounds 12] [--count 20000] [--window 1000]
//
// By default each round runs `bench/run.mjs --rounds 1 --clients zookit` once in the base checkout
// and once in this one (the order flips every round, so drift in the machine's load hits both
// alike); each run starts its own server and its own child processes. With --inproc, both
// checkouts' clients run in this one process against one server, batch by batch (inproc.mjs):
// finer, and blind to any difference between the two checkouts' bench harnesses (--pin: the server
// on the last CPU, the clients on the first, with taskset; --stub: stub-server.mjs's canned replies
// instead of ZooKeeper, for the client's own CPU per request). Prints, per row,
// the median over the rounds for base and head and the ratio head ÷ base.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
const head = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const baseArg = opt('--base', undefined);
if (!baseArg) {
  console.error('usage: node bench/scripts/ab.mjs --base DIR [--rounds N] [--only w1,w2] | --base DIR --inproc [--rounds N] [--count N] [--window N]');
  process.exit(2);
}
const base = path.resolve(baseArg);
if (argv.includes('--inproc')) {
  const { inProcess } = await import('./inproc.mjs');
  await inProcess({ base, head, rounds: Number(opt('--rounds', '12')), count: Number(opt('--count', '20000')), window: Number(opt('--window', '1000')), pin: argv.includes('--pin'), stub: argv.includes('--stub') });
  process.exit(0);
}
const rounds = Number(opt('--rounds', '6'));
const only = opt('--only', 'pget,pcreate');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'zookit-ab-'));

/** One run of the bench in `tree`; returns its rows. */
function runOnce(tree, tag) {
  const out = path.join(tmp, tag);
  execFileSync(process.execPath, ['bench/run.mjs', '--rounds', '1', '--only', only, '--clients', 'zookit', '--out', out], { cwd: tree, stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')).rows;
}

const samples = new Map(); // label -> { base: number[], head: number[], dir }
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
  for (const side of order) {
    const rows = runOnce(side === 'base' ? base : head, `${side}-${r}`);
    for (const row of rows) {
      const v = row.cells.zookit?.median;
      if (v === undefined) continue;
      const s = samples.get(row.label) ?? { base: [], head: [], dir: row.dir };
      s[side].push(v);
      samples.set(row.label, s);
    }
  }
  console.error(`round ${r + 1}/${rounds} done`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(`base ${base} · head ${head} · ${rounds} rounds, alternating · workloads ${only}`);
console.log('| row | base (median, min–max) | head (median, min–max) | head ÷ base |');
console.log('|---|---|---|---|');
for (const [label, s] of samples) {
  const b = median(s.base);
  const h = median(s.head);
  const range = (xs) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
  console.log(`| ${label} ${s.dir > 0 ? '↑' : '↓'} | ${fmt(b)} (${range(s.base)}) | ${fmt(h)} (${range(s.head)}) | ${(h / b).toFixed(3)} |`);
}
