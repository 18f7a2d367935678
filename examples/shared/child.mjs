// The child's side of a process forked with `forkChild` (processes.mjs): configuration from
// the environment, progress messages to the parent over IPC, and no life after the parent.

/**
 * `required(key)`: the environment variable `key`; it throws, naming the parent script
 * `startedBy`, when the variable is not set.
 */
export function requiredEnv(startedBy) {
  return (key) => {
    const value = process.env[key];
    if (!value) throw new Error(`${key} is not set (this file is started by ${startedBy})`);
    return value;
  };
}

/**
 * Ties this process to its parent: it exits if the parent goes away. `send(msg)` posts
 * `{ ...fields, at: Date.now(), ...msg }` to the parent (a no-op when run by hand, without IPC).
 * `release(last?)` sends `last` and waits until it is out, then lets go of the IPC channel
 * so the process can exit on its own.
 */
export function parentChannel(fields) {
  const onParentGone = () => process.exit(1);
  process.on('disconnect', onParentGone);
  const send = (msg) => process.send?.({ ...fields, at: Date.now(), ...msg });
  const release = async (last) => {
    if (!process.send) return;
    if (last) await new Promise((resolve) => process.send({ ...fields, at: Date.now(), ...last }, resolve));
    process.off('disconnect', onParentGone);
    process.disconnect();
  };
  return { send, release };
}

/** Reports the client's connection states (`state`) and its `error` events (`error`) through `send`. */
export function reportClient(zk, send) {
  zk.addListener((state, previous) => send({ type: 'state', state, previous }));
  zk.on('error', (err) => send({ type: 'error', message: String(err?.message ?? err) }));
}

/** Resolves on the first SIGTERM or SIGINT. */
export function untilStopped() {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/** Stops `server` accepting connections and drops the open ones. */
export function closeServer(server) {
  server.close();
  server.closeAllConnections();
}
