#!/usr/bin/env node
// Soak run: a 3-node ensemble (via @zookit/testing), several clients doing mixed operations
// and recipes (Lock, Counter — when @zookit/recipes is built) while members are killed,
// frozen and restarted on a schedule. At the end: operations done, errors by class, leaked
// nodes (ephemerals of closed sessions, from `dump`), leaked watches (`wchs`), memory growth.
//
//   npm run soak -- --minutes 10 [--clients 6] [--fault-every 20] [--report docs/soak-report.md]
//                   [--heap-snapshots DIR]   (heap snapshots 20 s in and 5 s before the end)
//                   [--partitions]  (members in network namespaces of their own, needs root:
//                                    partitions, isolations and one-way cuts mixed with kills)
//
// Every loop is bounded by the run's deadline and by a count; the ensemble is always stopped.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    clients: { type: 'string', default: '6' },
    'fault-every': { type: 'string', default: '20' },
    'session-timeout': { type: 'string', default: '8000' },
    report: { type: 'string' },
    'heap-snapshots': { type: 'string' },
    seed: { type: 'string' },
    partitions: { type: 'boolean', default: false },
  },
});
const partitions = args.partitions;
const minutes = Number(args.minutes);
const clientCount = Number(args.clients);
const faultEverySec = Number(args['fault-every']);
const sessionTimeout = Number(args['session-timeout']);
if (!(minutes > 0 && minutes <= 24 * 60) || !(clientCount >= 1 && clientCount <= 64) || !(faultEverySec >= 2)) {
  console.error('usage: npm run soak -- --minutes N (0<N<=1440) [--clients 1..64] [--fault-every seconds>=2] [--report file.md]');
  process.exit(2);
}

for (const pkg of ['testing', 'client']) {
  if (!existsSync(path.join(root, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(`packages/${pkg}/dist is missing: run \`npm run build\` first`);
    process.exit(2);
  }
}
const { startEnsemble, OperationHistory, checkExclusive, checkCounter, monotonicMs } = await import('@zookit/testing');
const { ZooKeeperClient } = await import('@zookit/client');
const recipesBuilt = existsSync(path.join(root, 'packages', 'recipes', 'dist', 'index.js'));
const recipes = recipesBuilt ? await import('@zookit/recipes') : undefined;

// Small seeded PRNG so a run's fault schedule can be replayed.
let seed = Number(args.seed ?? Date.now() % 2 ** 31) >>> 0;
const seedUsed = seed;
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const log = (msg) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const gc = globalThis.gc ?? (() => {});

const stats = {
  ops: 0,
  opsByKind: {},
  errors: {},
  faults: [],
  lockAcquisitions: 0,
  lockOverlaps: 0,
  fencingViolations: 0,
  counterOk: 0,
  counterUnknown: 0,
  clientsReplaced: 0,
  suspendedEpisodes: 0,
  lostEpisodes: 0,
  maxQueued: 0,
};
const closedSessions = new Set(); // hex ids of sessions we closed
const closing = new WeakSet(); // clients we are stopping ourselves
function countError(err) {
  const name = err?.constructor?.name ?? typeof err;
  stats.errors[name] = (stats.errors[name] ?? 0) + 1;
}
function countOp(kind) {
  stats.ops++;
  stats.opsByKind[kind] = (stats.opsByKind[kind] ?? 0) + 1;
}

const unhandled = [];
process.on('unhandledRejection', (e) => unhandled.push(`unhandledRejection: ${e?.stack ?? e}`));
process.on('uncaughtException', (e) => unhandled.push(`uncaughtException: ${e?.stack ?? e}`));

log(`starting a 3-node ensemble${partitions ? ' in network namespaces' : ''} (clients ${clientCount}, ${minutes} min, a fault every ~${faultEverySec}s, seed ${seedUsed}, recipes ${recipesBuilt ? 'yes' : 'no'})`);
const ensemble = await startEnsemble(partitions ? { size: 3, network: 'namespaces' } : { size: 3 });
// Histories for the checkers (lock holds in fencing order; counter = acked + resolved unknowns).
const lockHistory = new OperationHistory();
const counterHistory = new OperationHistory();
let stopping = false;
const stopEnsemble = async () => {
  if (stopping) return;
  stopping = true;
  await ensemble.stop().catch((e) => log(`ensemble stop failed: ${e}`));
};
process.once('SIGINT', () => void stopEnsemble().then(() => process.exit(130)));
process.once('SIGTERM', () => void stopEnsemble().then(() => process.exit(143)));

const startedAt = Date.now();
const deadline = startedAt + minutes * 60_000;
let heapStart = 0;
let rssStart = 0;
const heapSamples = [];
let report;

try {
  // --- setup -------------------------------------------------------------------------
  const admin = new ZooKeeperClient({ hosts: ensemble.connectString, sessionTimeout });
  await admin.start();
  await admin.ensurePath('/soak');
  for (let i = 0; i < clientCount; i++) await admin.ensurePath(`/soak/c${i}`);
  await admin.stop();
  closedSessions.add(admin.toJSON().sessionId);

  // A fenced register: the highest lock token seen; a grant must carry a larger one.
  let maxToken = -1n;
  let holder = undefined; // the worker currently holding a live (unaborted) lease

  // --- server-side inspection (four-letter words) -------------------------------------
  async function ephemeralOwners() {
    const owners = new Map();
    for (const m of ensemble.servers) {
      const dump = await m.fourLetterWord('dump', 5_000).catch(() => '');
      let current;
      for (const line of dump.split('\n')) {
        const s = /^\s*(0x[0-9a-f]+):?\s*$/i.exec(line);
        if (s) {
          current = `0x${BigInt(s[1]).toString(16)}`;
          if (!owners.has(current)) owners.set(current, new Set());
        } else if (current && /^\s+\//.test(line)) owners.get(current).add(line.trim());
        else if (!/^\s/.test(line)) current = undefined;
      }
    }
    return owners;
  }
  async function totalWatches() {
    let total = 0;
    for (const m of ensemble.servers) {
      const w = await m.fourLetterWord('wchs', 5_000).catch(() => '');
      total += Number(/Total watches:\s*(\d+)/.exec(w)?.[1] ?? 0);
    }
    return total;
  }
  // --- workers -----------------------------------------------------------------------
  async function newClient() {
    const zk = new ZooKeeperClient({ hosts: ensemble.connectString, sessionTimeout, connectTimeout: 60_000 });
    zk.on('state', (s) => {
      if (s === 'SUSPENDED') stats.suspendedEpisodes++;
      // LOST from our own stop() is not an episode.
      if (s === 'LOST' && !closing.has(zk)) stats.lostEpisodes++;
    });
    zk.on('error', countError);
    await zk.start();
    return zk;
  }

  async function worker(i) {
    let zk = await newClient();
    let replaceAt = Date.now() + 45_000 + rand() * 45_000;
    let lock = recipes ? new recipes.Lock(zk, '/soak/lock') : undefined;
    let counter = recipes ? new recipes.Counter(zk, '/soak/counter') : undefined;
    const base = `/soak/c${i}`;
    // Bounded: stops at the deadline, and never more than 10 million iterations.
    for (let n = 0; n < 10_000_000 && Date.now() < deadline; n++) {
      if (Date.now() > replaceAt) {
        // Close this session and start another: its ephemerals must vanish.
        const id = zk.toJSON().sessionId;
        closing.add(zk);
        await zk.stop();
        closedSessions.add(id);
        stats.clientsReplaced++;
        zk = await newClient();
        lock = recipes ? new recipes.Lock(zk, '/soak/lock') : undefined;
        counter = recipes ? new recipes.Counter(zk, '/soak/counter') : undefined;
        replaceAt = Date.now() + 45_000 + rand() * 45_000;
      }
      if (zk.state !== 'CONNECTED') {
        // Wait for the connection instead of spinning on errors (bounded).
        await zk.waitForState('CONNECTED', { timeout: 30_000 }).catch(countError);
        continue;
      }
      const kind = pick(['create', 'ephemeral', 'set', 'get', 'children', 'watch', 'delete', 'multi', 'batch', 'lock', 'counter']);
      try {
        switch (kind) {
          case 'create':
            await zk.create(`${base}/p-`, 'x', { sequential: true });
            break;
          case 'ephemeral':
            await zk.create(`${base}/e-`, 'eph', { ephemeral: true, sequential: true });
            break;
          case 'set':
            await zk.create(`${base}/data`, '0').catch(() => {});
            await zk.set(`${base}/data`, String(n));
            break;
          case 'get':
            await zk.get(`${base}/data`).catch((e) => {
              if (e?.codeName !== 'NONODE') throw e;
            });
            break;
          case 'children': {
            const kids = await zk.getChildren(base);
            countOp('children');
            // Keep the tree bounded: delete persistent children past 50.
            const persistent = kids.filter((k) => k.startsWith('p-')).sort();
            for (const k of persistent.slice(0, Math.max(0, persistent.length - 50))) {
              await zk.delete(`${base}/${k}`).catch((e) => {
                if (e?.codeName !== 'NONODE') throw e;
              });
            }
            break;
          }
          case 'watch':
            // One-shot watches that the next set fires.
            await zk.exists(`${base}/data`, { watch: () => {} });
            await zk.getChildren(base, { watch: () => {} });
            break;
          case 'delete': {
            const kids = (await zk.getChildren(base)).filter((k) => k.startsWith('e-'));
            if (kids.length > 0) await zk.delete(`${base}/${kids[0]}`).catch((e) => {
              if (e?.codeName !== 'NONODE') throw e;
            });
            break;
          }
          case 'multi':
            await zk.transaction().create(`${base}/t-`, 'a', { sequential: true }).check(base).commit();
            break;
          case 'batch': {
            const all = Promise.all(Array.from({ length: 20 }, () => zk.exists(base)));
            stats.maxQueued = Math.max(stats.maxQueued, zk.inFlight.queued + zk.inFlight.sent);
            await all;
            break;
          }
          case 'lock': {
            if (!lock) break;
            const lease = await lock.acquire({ timeout: 3_000 });
            lockHistory.record({ process: `w${i}`, type: 'ok', f: 'acquire', value: { token: String(lease.fencingToken) } });
            let ended = false;
            const endHold = () => {
              if (!ended) lockHistory.record({ process: `w${i}`, type: 'end', f: 'acquire', at: monotonicMs() });
              ended = true;
            };
            lease.signal.addEventListener('abort', endHold, { once: true });
            stats.lockAcquisitions++;
            if (holder !== undefined && holder.i !== i && !holder.lease.signal.aborted) stats.lockOverlaps++;
            if (lease.fencingToken <= maxToken) stats.fencingViolations++;
            else maxToken = lease.fencingToken;
            holder = { i, lease };
            await sleep(5 + rand() * 20);
            if (holder?.lease === lease) holder = undefined;
            endHold();
            await lease.release();
            break;
          }
          case 'counter':
            if (!counter) break;
            {
              const op = counterHistory.invoke(`w${i}`, 'add', 1);
              try {
                await counter.add(1);
                stats.counterOk++;
                op.ok();
              } catch (e) {
                if (e?.constructor?.name === 'OutcomeUnknownError') {
                  stats.counterUnknown++;
                  op.info(e.name);
                } else op.fail(e?.name);
                throw e;
              }
            }
            break;
        }
        if (kind !== 'children') countOp(kind);
      } catch (err) {
        countError(err);
      }
    }
    const id = zk.toJSON().sessionId;
    closing.add(zk);
    await zk.stop();
    closedSessions.add(id);
  }

  // --- faults ------------------------------------------------------------------------
  async function faultLoop() {
    // Bounded by the deadline and a count.
    for (let k = 0; k < 100_000 && Date.now() < deadline - 5_000; k++) {
      await sleep(faultEverySec * 1000 * (0.5 + rand()));
      if (Date.now() >= deadline - 5_000) break;
      const leaderIdx = await ensemble.leader(30_000).catch(() => undefined);
      const kinds = ['kill-leader', 'kill-follower', 'pause-follower', 'restart-member'];
      // With --partitions, cuts made by the kernel are twice as likely as the other faults.
      if (partitions) kinds.push(...['isolate-leader', 'isolate-follower', 'partition-leader', 'one-way-leader-follower'].flatMap((x) => [x, x]));
      const kind = pick(kinds);
      const t0 = Date.now();
      let idx;
      if ((kind === 'kill-leader' || kind.includes('-leader')) && leaderIdx !== undefined) idx = leaderIdx;
      else idx = pick([0, 1, 2].filter((x) => x !== leaderIdx));
      const member = ensemble.servers[idx];
      try {
        if (partitions && /isolate|partition|one-way/.test(kind)) {
          const others = ensemble.servers.filter((m) => m !== member);
          if (kind.startsWith('isolate')) await ensemble.isolate(member);
          else if (kind === 'partition-leader') await ensemble.partition([[member], others]);
          else await ensemble.oneWay(member, pick(others));
          await sleep(1_000 + rand() * Math.min(sessionTimeout, 6_000));
          await ensemble.heal();
        } else if (kind === 'pause-follower') {
          await member.pause();
          await sleep(Math.min(sessionTimeout / 2, 3_000));
          await member.resume();
        } else if (kind === 'restart-member') {
          await member.stop();
          await member.restart();
        } else {
          await member.kill();
          await sleep(1_000 + rand() * 3_000);
          await member.restart();
        }
        await ensemble.waitForQuorum(60_000);
        stats.faults.push({ kind, member: member.id, ms: Date.now() - t0 });
        log(`fault ${stats.faults.length}: ${kind} member ${member.id} (${Date.now() - t0} ms to quorum); ops ${stats.ops}`);
      } catch (err) {
        stats.faults.push({ kind, member: member.id, ms: Date.now() - t0, error: String(err) });
        log(`fault ${kind} on member ${member.id} failed: ${err}`);
        if (partitions) await ensemble.heal().catch(() => {});
        if (member.paused) await member.resume().catch(() => {});
        if (!member.running) await member.restart().catch(() => {});
      }
    }
  }

  async function sampler() {
    await sleep(20_000);
    gc();
    heapStart = process.memoryUsage().heapUsed;
    rssStart = process.memoryUsage().rss;
    // Optional: heap snapshots at the start and near the end of the workload, to diff.
    if (args['heap-snapshots']) v8.writeHeapSnapshot(path.join(args['heap-snapshots'], 'soak-start.heapsnapshot'));
    for (let k = 0; k < 100_000 && Date.now() < deadline; k++) {
      const left = deadline - Date.now();
      if (args['heap-snapshots'] && left < 40_000 && left > 5_000) {
        await sleep(left - 5_000);
        gc();
        v8.writeHeapSnapshot(path.join(args['heap-snapshots'], 'soak-end.heapsnapshot'));
        continue;
      }
      await sleep(Math.min(30_000, Math.max(0, deadline - Date.now())));
      gc();
      const m = process.memoryUsage();
      heapSamples.push({ t: Math.round((Date.now() - startedAt) / 1000), heapMB: +(m.heapUsed / 2 ** 20).toFixed(1), rssMB: +(m.rss / 2 ** 20).toFixed(1) });
      {
        // Proves the leak check can see ephemerals at all: live sessions must show up
        // (the largest count over the samples; a member in election answers nothing).
        const owners = await ephemeralOwners();
        stats.dumpSanity = Math.max(stats.dumpSanity ?? 0, [...owners.values()].reduce((a, p) => a + p.size, 0));
      }
      log(`ops ${stats.ops}, errors ${Object.values(stats.errors).reduce((a, b) => a + b, 0)}, heap ${(m.heapUsed / 2 ** 20).toFixed(1)} MB`);
    }
  }

  await Promise.all([...Array.from({ length: clientCount }, (_, i) => worker(i)), faultLoop(), sampler()]);
  const runMs = Date.now() - startedAt;
  log('workload done; checking for leaks');

  // --- leaks -------------------------------------------------------------------------
  await ensemble.waitForQuorum(60_000);
  const leakedNow = [...(await ephemeralOwners())].filter(([id, paths]) => closedSessions.has(id) && paths.size > 0);
  const watchesNow = await totalWatches();
  // Sessions whose close request was lost expire by timeout: wait that long, bounded.
  let leakedAfter = leakedNow;
  let watchesAfter = watchesNow;
  const settleUntil = Date.now() + sessionTimeout + 4_000;
  for (let k = 0; k < 100 && Date.now() < settleUntil && (leakedAfter.length > 0 || watchesAfter > 0); k++) {
    await sleep(500);
    leakedAfter = [...(await ephemeralOwners())].filter(([, paths]) => paths.size > 0);
    watchesAfter = await totalWatches();
  }
  // Verify the counter against what was acknowledged.
  let counterValue;
  if (recipes) {
    const zk = new ZooKeeperClient({ hosts: ensemble.connectString, sessionTimeout });
    await zk.start();
    counterValue = await new recipes.Counter(zk, '/soak/counter').get();
    const lockKids = await zk.getChildren('/soak/lock').catch(() => []);
    stats.lockNodesLeft = lockKids.length;
    await zk.stop();
  }
  gc();
  const heapEnd = process.memoryUsage().heapUsed;
  const rssEnd = process.memoryUsage().rss;
  // The checkers' verdicts first, then the histories let go: what the heap holds without them
  // tells the client's own growth from the record the checkers keep of every operation.
  const lockVerdict = recipes ? checkExclusive(lockHistory.events).summary : '';
  const counterVerdict = recipes ? checkCounter(counterHistory.events, counterValue).summary : '';
  const historyEvents = lockHistory.events.length + counterHistory.events.length;
  lockHistory.events.length = 0;
  counterHistory.events.length = 0;
  gc();
  const heapNoHistory = process.memoryUsage().heapUsed;

  const errorTotal = Object.values(stats.errors).reduce((a, b) => a + b, 0);
  const lines = [];
  lines.push('# Soak report', '');
  lines.push(`Generated by \`npm run soak -- --minutes ${minutes} --clients ${clientCount} --fault-every ${faultEverySec}${partitions ? ' --partitions' : ''}\` (seed ${seedUsed}) on ${new Date().toISOString().slice(0, 10)}.`);
  lines.push(`3-node ensemble from @zookit/testing (tickTime 200${partitions ? `, members in network namespaces, subnet ${ensemble.subnet}` : ''}), ${clientCount} clients (session timeout ${sessionTimeout} ms), recipes ${recipesBuilt ? 'Lock + Counter' : 'not built (skipped)'}; Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs.`, '');
  lines.push('## Figures', '');
  lines.push('| figure | value |', '|---|---|');
  lines.push(`| run time | ${(runMs / 60_000).toFixed(1)} min |`);
  lines.push(`| operations completed | ${stats.ops} (${(stats.ops / (runMs / 1000)).toFixed(0)}/s) |`);
  lines.push(`| operations failed (typed errors) | ${errorTotal} |`);
  lines.push(`| faults injected | ${stats.faults.length} (${Object.entries(stats.faults.reduce((a, f) => ((a[f.kind] = (a[f.kind] ?? 0) + 1), a), {})).map(([k, v]) => `${k} ${v}`).join(', ')}) |`);
  lines.push(`| faults whose recovery failed | ${stats.faults.filter((f) => f.error).length} |`);
  lines.push(`| client SUSPENDED episodes / LOST episodes | ${stats.suspendedEpisodes} / ${stats.lostEpisodes} |`);
  lines.push(`| sessions closed and replaced mid-run | ${stats.clientsReplaced} |`);
  if (recipes) {
    lines.push(`| lock acquisitions | ${stats.lockAcquisitions} |`);
    lines.push(`| lock overlaps (another live lease at grant) | ${stats.lockOverlaps} |`);
    lines.push(`| fencing-token regressions | ${stats.fencingViolations} |`);
    lines.push(`| lock nodes left after the run | ${stats.lockNodesLeft} |`);
    lines.push(`| history checker, lock | ${lockVerdict} |`);
    lines.push(`| history checker, counter | ${counterVerdict} |`);
    lines.push(`| counter: acknowledged adds / outcome unknown / final value | ${stats.counterOk} / ${stats.counterUnknown} / ${counterValue} (must be within [acked, acked + unknown]: ${counterValue >= stats.counterOk && counterValue <= stats.counterOk + stats.counterUnknown ? 'yes' : 'NO'}) |`);
  }
  lines.push(`| most ephemerals listed by \`dump\` in one mid-run sample (sanity check of the leak probe) | ${stats.dumpSanity ?? 'n/a'} |`);
  lines.push(`| leaked ephemerals of closed sessions, right after close | ${leakedNow.reduce((a, [, p]) => a + p.size, 0)} nodes in ${leakedNow.length} sessions |`);
  lines.push(`| leaked ephemerals after one session timeout | ${leakedAfter.reduce((a, [, p]) => a + p.size, 0)} |`);
  lines.push(`| server watches after every client closed (wchs, all members) | ${watchesNow} right after close, ${watchesAfter} after settle |`);
  lines.push(`| history events kept in memory for the checkers (part of the heap growth below) | ${historyEvents} |`);
  lines.push(`| heap (after GC): 20 s in → end | ${(heapStart / 2 ** 20).toFixed(1)} MB → ${(heapEnd / 2 ** 20).toFixed(1)} MB (${((heapEnd - heapStart) / 2 ** 20).toFixed(1)} MB) |`);
  lines.push(`| heap (after GC) at the end once the checkers' histories are let go | ${(heapNoHistory / 2 ** 20).toFixed(1)} MB (${((heapNoHistory - heapStart) / 2 ** 20).toFixed(1)} MB against 20 s in; the histories held ${((heapEnd - heapNoHistory) / 2 ** 20).toFixed(1)} MB, ${historyEvents ? Math.round((heapEnd - heapNoHistory) / historyEvents) : 0} B an event) |`);
  lines.push(`| RSS: 20 s in → end | ${(rssStart / 2 ** 20).toFixed(1)} MB → ${(rssEnd / 2 ** 20).toFixed(1)} MB |`);
  lines.push(`| max requests in flight + queued on one client | ${stats.maxQueued} |`);
  lines.push(`| unhandled rejections / uncaught exceptions | ${unhandled.length} |`, '');
  lines.push('## Operations by kind', '', '| kind | count |', '|---|---|');
  for (const [k, v] of Object.entries(stats.opsByKind).sort((a, b) => b[1] - a[1])) lines.push(`| ${k} | ${v} |`);
  lines.push('', '## Errors by class', '', '| class | count |', '|---|---|');
  for (const [k, v] of Object.entries(stats.errors).sort((a, b) => b[1] - a[1])) lines.push(`| ${k} | ${v} |`);
  if (errorTotal === 0) lines.push('| (none) | 0 |');
  lines.push('', '## Faults', '', '| # | kind | member | ms to quorum |', '|---|---|---|---|');
  stats.faults.forEach((f, n) => lines.push(`| ${n + 1} | ${f.kind} | ${f.member} | ${f.ms}${f.error ? ` (failed: ${f.error})` : ''} |`));
  lines.push('', '## Memory samples (after GC)', '', '| t (s) | heap MB | RSS MB |', '|---|---|---|');
  for (const s of heapSamples) lines.push(`| ${s.t} | ${s.heapMB} | ${s.rssMB} |`);
  if (unhandled.length > 0) lines.push('', '## Unhandled', '', '```', ...unhandled.slice(0, 20), '```');
  lines.push('');
  report = lines.join('\n');
} finally {
  await stopEnsemble();
}
process.stdout.write(report ?? '');
if (args.report && report) {
  writeFileSync(path.resolve(process.cwd(), args.report), report);
  log(`report written to ${args.report}`);
}
process.exit(unhandled.length > 0 ? 1 : 0);
