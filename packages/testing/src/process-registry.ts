import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * Every JVM started by this module, so none outlives the Node process.
 *
 * Two layers:
 * 1. `process.on('exit' | 'SIGINT' | 'SIGTERM')` sends SIGKILL to each recorded PID.
 * 2. A tiny watchdog child process (one per Node process, started lazily) holds the
 *    read end of a pipe from us; if this process dies without running its handlers
 *    (e.g. SIGKILL of a vitest worker), the pipe reaches EOF and the watchdog kills
 *    the recorded PIDs. It never signals PIDs it was not given.
 */
const live = new Set<ChildProcess>();
let hooksInstalled = false;
let watchdog: ChildProcess | undefined;

// The watchdog program: read "+pid" / "-pid" lines; on EOF, SIGKILL the remaining pids.
const WATCHDOG_SOURCE = `
const pids = new Set();
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (line[0] === '+') pids.add(pid); else pids.delete(pid);
  }
});
const end = () => { for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch {} } process.exit(0); };
process.stdin.on('end', end);
process.stdin.on('error', end);
`;

function tellWatchdog(line: string): void {
  try {
    if (!watchdog) {
      watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
      watchdog.on('error', () => {
        watchdog = undefined;
      });
      watchdog.unref();
      const stdin = watchdog.stdin as Socket | null;
      stdin?.on('error', () => undefined);
      // Do not let the pipe keep this process alive.
      stdin?.unref();
    }
    watchdog.stdin?.write(`${line}\n`);
  } catch {
    // The exit hooks below still cover the normal paths.
  }
}

// Synchronous clean-ups run after the processes are killed (network namespaces).
const exitCallbacks = new Set<() => void>();

/**
 * Run `fn` (synchronous, must not throw) when this process exits or gets SIGINT/SIGTERM,
 * after every tracked process was killed: clean-ups the watchdog cannot do by PID (network
 * namespaces, containers). Returns a function that unregisters it.
 */
export function runAtExit(fn: () => void): () => void {
  installHooks();
  exitCallbacks.add(fn);
  return () => exitCallbacks.delete(fn);
}

function killAll(): void {
  killTracked();
  for (const fn of exitCallbacks) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
}

function killTracked(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const handler = (): void => {
      killAll();
      // If nobody else handles the signal, restore the default behaviour and re-raise.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, handler);
  }
}

/** Record a started JVM; it is forgotten automatically when it exits. */
export function trackProcess(child: ChildProcess): void {
  installHooks();
  live.add(child);
  const pid = child.pid;
  if (pid !== undefined) tellWatchdog(`+${pid}`);
  child.once('exit', () => {
    live.delete(child);
    if (pid !== undefined) tellWatchdog(`-${pid}`);
  });
}

/** Number of tracked JVMs still running (for tests of the harness itself). */
export function trackedProcessCount(): number {
  return live.size;
}
