// Child-process helpers: fork a Node script, wait for a message or for exit, and make
// sure nothing outlives its parent.
import { fork } from 'node:child_process';
import { once } from 'node:events';

/**
 * Forks `script` with `env` added to the environment. `onMessage(msg, child)` gets every
 * IPC message. The child is SIGKILLed if `signal` aborts.
 */
export function forkChild(script, env, { onMessage, signal } = {}) {
  const child = fork(script, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (onMessage) child.on('message', (msg) => onMessage(msg, child));
  const onAbort = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  child.once('exit', () => signal?.removeEventListener('abort', onAbort));
  child.exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit').then(() => undefined);
  return child;
}

/** Resolves once every child has exited; SIGTERMs, then SIGKILLs, those still running after `timeout` ms. */
export async function waitForExit(children, timeout) {
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeout);
  });
  const all = Promise.all(children.map((c) => c.exited));
  const outcome = await Promise.race([all.then(() => 'exited'), timedOut]);
  clearTimeout(timer);
  if (outcome === 'exited') return true;
  await stopChildren(children);
  return false;
}

/** SIGTERM every running child, SIGKILL after `grace` ms; resolves when all are gone. */
export async function stopChildren(children, grace = 3_000) {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of running) c.kill('SIGTERM');
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, grace);
  });
  await Promise.race([Promise.all(running.map((c) => c.exited)), late]);
  clearTimeout(timer);
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(running.map((c) => c.exited));
}

/** `promise`, or a rejection after `ms` (the timer never keeps the process alive). */
export function withTimeout(promise, ms) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Waits for conditions on state that the children's messages change: `until(what, predicate)`
 * resolves with the first value of `predicate()` that is not undefined, null or false,
 * re-checked on every `notify()`; it rejects after `timeout` ms (naming `what`) or when `signal` aborts.
 */
export function conditions({ timeout, signal }) {
  const waiters = new Set();
  const notify = () => {
    for (const w of waiters) w();
  };
  const until = (what, predicate) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const value = predicate();
        if (value === undefined || value === null || value === false) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => (cleanup(), reject(new Error(`timed out after ${timeout} ms waiting for ${what}`))), timeout);
      const onAbort = () => (cleanup(), reject(signal.reason));
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(check);
      check();
    });
  return { notify, until };
}
