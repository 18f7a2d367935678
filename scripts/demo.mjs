// `npm run demo`: zookit doing its job, end to end, in under two minutes.
//
// 1. Starts a local 3-node ZooKeeper ensemble through @zookit/testing (or uses the one in
//    ZOOKEEPER_CONNECT).
// 2. Worker fleet (examples/worker-fleet): 4 worker processes share 20 jobs under locks;
//    one worker is SIGKILLed mid-job; its lock frees when its session expires, another
//    worker finishes the job; every job must be done exactly once.
// 3. Leader service (examples/leader-service): 3 HTTP processes elect a leader; the demo
//    kills the ZooKeeper server the leader is connected to (or, on an ensemble it does not
//    control, the leader's process) and times the failover.
// 4. Service discovery (examples/service-discovery): 3 HTTP backends register `orders`
//    (Curator x-discovery format); a gateway routes through a ServiceProvider; one backend
//    is SIGKILLed mid-run; no request may be lost, and its removal is timed.
// 5. Prints a summary and stops everything it started, also on Ctrl-C.
//
// `npm run demo -- --ui` also starts the web console (`zk ui`) on the ensemble and prints its
// URL: the fleet's job locks (holder first, the queue moving, the killed worker's node
// vanishing) and the leader service's election can be watched live. On a terminal the demo
// waits for Enter before it starts and before it stops, so the page can be opened and read.
//
// With a terminal, the fleet's progress is a live bar; without one (CI logs), plain lines.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startEnsemble } from '@zookit/testing';
import { formatSummary as fleetLines, runFleet } from '@zookit/example-worker-fleet';
import { formatStatuses, formatSummary as leaderLines, runLeaderService } from '@zookit/example-leader-service';
import { formatSummary as discoveryLines, runServiceDiscovery } from '@zookit/example-service-discovery';

const t0 = performance.now();
const tty = process.stdout.isTTY === true && process.env['CI'] === undefined;
const color = (code) => (s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = color('1');
const dim = color('2');
const red = color('31');
const green = color('32');
const yellow = color('33');
const cyan = color('36');

// --- output: log lines, with an optional live progress bar kept on the last line -------
let bar = '';
function log(line = '') {
  if (tty && bar) process.stdout.write('\r\x1b[2K');
  process.stdout.write(`${dim(clock())} ${line}\n`);
  if (tty && bar) process.stdout.write(bar);
}
function setBar(text) {
  bar = text;
  if (tty) process.stdout.write(`\r\x1b[2K${bar}`);
}
function clearBar() {
  if (tty && bar) process.stdout.write('\r\x1b[2K');
  bar = '';
}
function clock() {
  return `${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s`;
}
function progressBar(done, total, width = 30) {
  const full = Math.round((done / total) * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}
function section(title) {
  clearBar();
  console.log(`\n${bold(`── ${title} ${'─'.repeat(Math.max(0, 66 - title.length))}`)}`);
}

// --- Ctrl-C: stop the children, then the ensemble --------------------------------------
const shutdown = new AbortController();
// (A listener that stays registered: @zookit/testing kills its JVMs on the signal and
// re-raises it only when nobody else listens; we want our own orderly stop.)
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (shutdown.signal.aborted) process.exit(130); // a second Ctrl-C: leave now
    clearBar();
    console.log(`\n${yellow(`${sig}: stopping everything this demo started…`)}`);
    shutdown.abort(new Error(sig));
  });
}

let ensemble;
let ui;
let exitCode = 1;
try {
  section('ZooKeeper');
  let connectString = process.env['ZOOKEEPER_CONNECT']?.trim();
  if (connectString) {
    log(`using ZOOKEEPER_CONNECT=${connectString}`);
  } else {
    log('starting a 3-node ensemble on 127.0.0.1 (@zookit/testing)…');
    ensemble = await startEnsemble({ size: 3 });
    connectString = ensemble.connectString;
    const leader = await ensemble.leader();
    log(`ensemble up: ${ensemble.servers.map((s, i) => `zk${s.id}=${s.port}${i === leader ? ' (leader)' : ''}`).join('  ')}`);
  }
  shutdown.signal.throwIfAborted();
  if (process.argv.includes('--ui')) {
    ui = await startUi(connectString);
    log(bold(`web console: ${ui.url}#/zookit-examples`) + dim(' (read-only; the examples work under /zookit-examples)'));
    await pressEnter('open it, then press Enter to start the demo');
  }

  const fleet = await demoFleet(connectString);
  shutdown.signal.throwIfAborted();
  const service = await demoLeaderService(connectString);
  shutdown.signal.throwIfAborted();
  const discovery = await demoServiceDiscovery(connectString);

  section('Summary');
  const total = (performance.now() - t0) / 1000;
  const fleetOk = fleet.exactlyOnce;
  const leaderOk = service.ok && service.leaderChanged;
  console.log(
    `${fleetOk ? green('✔') : red('✘')} worker fleet:   ${fleet.results}/${fleet.jobs} jobs by ${fleet.workers} workers; ` +
      (fleetOk ? 'every job was done exactly once' : `NOT exactly once: ${fleet.problems.join('; ')}`),
  );
  if (fleet.killed) {
    console.log(
      `                   ${fleet.killed.worker} was SIGKILLed mid-job on ${fleet.killed.job} (fencing token ${fleet.killed.token}); ` +
        `${fleet.killed.finishedBy} finished it (token ${fleet.killed.finalToken})`,
    );
  }
  console.log(
    `${leaderOk ? green('✔') : red('✘')} leader service: ` +
      (leaderOk
        ? `the leader changed over from ${service.firstLeader.name} to ${service.newLeader.name} in ${service.failoverMs} ms`
        : `the leader did not change over cleanly: ${service.problems.join('; ')}`) +
      ` (${service.howDown})`,
  );
  console.log(
    `${discovery.ok ? green('✔') : red('✘')} discovery:      ` +
      (discovery.ok
        ? `${discovery.victim.name} SIGKILLed under load: ${discovery.requests} requests, none lost (${discovery.retried} retried); it left the registry in ${discovery.removalMs} ms`
        : `the gateway did not ride out the loss of ${discovery.victim.name}: ${discovery.problems.join('; ')}`),
  );
  console.log(`  wall time: ${total.toFixed(1)} s`);
  exitCode = fleetOk && leaderOk && discovery.ok ? 0 : 1;
} catch (err) {
  clearBar();
  if (shutdown.signal.aborted) {
    console.log(yellow(`stopped (${shutdown.signal.reason.message})`));
    exitCode = 130;
  } else {
    console.error(red(`demo failed: ${err?.stack ?? err}`));
  }
} finally {
  clearBar();
  if (ui) {
    if (!shutdown.signal.aborted) await pressEnter('press Enter to stop the web console and the ensemble');
    await ui.stop();
  }
  if (ensemble) {
    await ensemble.stop();
    console.log(dim('ensemble stopped; every process the demo started is gone'));
  }
}
process.exitCode = exitCode;

// --- 1: the worker fleet --------------------------------------------------------------
async function demoFleet(connectString) {
  section('Worker fleet: 4 processes, 20 jobs, each under a Lock, one worker killed mid-job');
  const total = 20;
  let done = 0;
  const show = () => setBar(`  jobs ${cyan(progressBar(done, total))} ${done}/${total}`);
  const summary = await runFleet({
    connectString,
    workers: 4,
    jobs: total,
    kill: true,
    sessionTimeout: 2_000,
    signal: shutdown.signal,
    onEvent: (e) => {
      switch (e.type) {
        case 'progress':
          if (e.done === done) break;
          done = e.done;
          if (tty) show();
          else log(`jobs ${progressBar(done, total, 20)} ${done}/${total}`);
          break;
        case 'state':
          if (e.previous === 'LOST' && e.state === 'CONNECTED') log(`${e.worker} connected`);
          else if (e.state !== 'LOST') log(`${e.worker}: ${e.previous} → ${yellow(e.state)}`);
          break;
        case 'killed':
          log(red(`✝ SIGKILL ${e.worker} (pid ${e.pid}) while it works on ${e.job} holding its lock (fencing token ${e.token})`));
          log(dim(`  its lock stays until its session expires (2 s); the other workers queue for it`));
          break;
        case 'claimed':
          if (e.attempts > 1) log(green(`${e.worker} got the lock of ${e.job} after the expiry: attempt ${e.attempts}, fencing token ${e.token}`));
          break;
        case 'abandoned':
        case 'rejected':
          log(yellow(`${e.worker} ${e.type} ${e.job}: ${e.reason}`));
          break;
        default:
      }
    },
  });
  clearBar();
  if (tty) log(`jobs ${cyan(progressBar(done, total, 20))} ${done}/${total}`);
  for (const line of fleetLines(summary)) log(line.startsWith('✔') ? green(line) : line.startsWith('✘') ? red(line) : line);
  return summary;
}

// --- 2: the leader service ------------------------------------------------------------
async function demoLeaderService(connectString) {
  section('Leader service: 3 HTTP processes elect a leader; its ZooKeeper server is killed');
  let howDown = 'its process was SIGKILLed';
  const killLeadersServer = async (leader) => {
    // Find the member that holds the leader's session (`cons` lists sessions by id).
    const status = await fetchStatus(leader.port);
    const sid = status?.sessionId;
    for (const member of ensemble?.servers ?? []) {
      const cons = await member.fourLetterWord('cons', 2_000).catch(() => '');
      if (sid && cons.includes(`sid=${sid}`)) {
        howDown = `its ZooKeeper server zk${member.id} was SIGKILLed`;
        log(red(`✝ SIGKILL ZooKeeper server zk${member.id} (port ${member.port}), which ${leader.name}'s session is connected to`));
        await member.kill();
        return howDown;
      }
    }
    // No ensemble of ours (ZOOKEEPER_CONNECT) or session not found: kill the process instead.
    log(red(`✝ SIGKILL ${leader.name} (pid ${leader.pid})`));
    process.kill(leader.pid, 'SIGKILL');
    return howDown;
  };
  const ports = new Map();
  const summary = await runLeaderService({
    connectString,
    nodes: 3,
    sessionTimeout: 2_000,
    signal: shutdown.signal,
    failover: async (leader) => killLeadersServer({ ...leader, port: ports.get(leader.name) }),
    onEvent: (e) => {
      switch (e.type) {
        case 'listening':
          ports.set(e.name, e.port);
          log(`${e.name} (pid ${e.pid}) serves http://127.0.0.1:${e.port}/status`);
          break;
        case 'state':
          if (!(e.previous === 'LOST' && e.state === 'CONNECTED') && e.state !== 'LOST') log(`${e.name}: ${e.previous} → ${yellow(e.state)}`);
          else if (e.previous !== 'LOST' && e.state === 'LOST') log(`${e.name}: session closed`);
          break;
        case 'leader':
          log(green(`★ ${e.name} leads (fencing token ${e.fencingToken}); it alone runs the periodic task`));
          break;
        case 'follower':
          log(yellow(`${e.name} gave up leadership (${e.reason ?? 'resigned'})`));
          break;
        case 'status':
          log('GET /status on each process:');
          for (const line of formatStatuses(e.statuses)) log(line);
          break;
        case 'failover':
          if (e.phase === 'end') log(green(`failover: ${e.leader} took over ${e.failoverMs} ms after the kill`));
          break;
        default:
      }
    },
  });
  for (const line of leaderLines(summary)) log(line.startsWith('✔') ? green(line) : line.startsWith('✘') ? red(line) : line);
  return { ...summary, howDown };
}

// --- 3: service discovery -------------------------------------------------------------
async function demoServiceDiscovery(connectString) {
  section('Service discovery: 3 backends, a gateway on a ServiceProvider, one backend killed');
  const summary = await runServiceDiscovery({
    connectString,
    backends: 3,
    sessionTimeout: 2_000,
    signal: shutdown.signal,
    onEvent: (e) => {
      if (e.type === 'registered') log(`${e.name} (pid ${e.pid}) registered orders/${e.id} → http://127.0.0.1:${e.port}`);
      else if (e.type === 'instances') log(`gateway sees ${e.ids.length} orders instance(s)`);
      else if (e.type === 'kill') log(red(`✝ SIGKILL ${e.name} (pid ${e.pid}) while requests flow through the gateway`));
      else if (e.type === 'removed') log(green(`${e.name} left the registry ${e.removalMs} ms after the kill`));
    },
  });
  for (const line of discoveryLines(summary)) log(line.startsWith('✔') ? green(line) : line.startsWith('✘') ? red(line) : line);
  return summary;
}

async function fetchStatus(port) {
  if (!port) return undefined;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(3_000) });
    return await res.json();
  } catch {
    return undefined;
  }
}

// --- the web console (`zk ui`, the CLI's binary as a person runs it) --------------------
async function startUi(connectString) {
  const bin = fileURLToPath(new URL('./bin.js', import.meta.resolve('@zookit/cli')));
  const child = spawn(process.execPath, [bin, 'ui', '--server', connectString], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Its stderr goes on to ours, but for the "interrupted" of the Ctrl-C that stops it at the end.
  createInterface({ input: child.stderr }).on('line', (line) => line !== 'zk: interrupted' && console.error(line));
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(line);
      if (m) resolve(m[0]);
    });
    void exited.then((code) => reject(new Error(`zk ui exited (${code}) before it printed its URL`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

/** On a terminal, waits for Enter (or Ctrl-C); elsewhere goes on at once. */
async function pressEnter(prompt) {
  if (!tty || !process.stdin.isTTY) return;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT')); // Ctrl-C at the prompt stops the demo as anywhere else
  await new Promise((resolve) => {
    rl.question(`${dim(clock())} ${prompt} `, resolve);
    shutdown.signal.addEventListener('abort', resolve, { once: true });
  });
  rl.close();
}
