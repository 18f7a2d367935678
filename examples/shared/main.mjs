// The command-line plumbing of an example's main.mjs: ZooKeeper to run against, Ctrl-C,
// the summary and the exit code. The example itself stays in its main.mjs.
import { startServer } from '@zookit/testing';

/**
 * Runs `run({ connectString, signal })` against the ensemble in ZOOKEEPER_CONNECT, or a local
 * ZooKeeper server started (and stopped) for the run. `signal` aborts on SIGINT/SIGTERM.
 * `run` resolves with `{ ok, lines }`: the summary lines are printed and the exit code is
 * 0 when `ok`, 1 when not or on an error, 130 when a signal stopped the run.
 */
export async function runExample(run) {
  const shutdown = new AbortController();
  process.once('SIGINT', () => shutdown.abort(new Error('interrupted')));
  process.once('SIGTERM', () => shutdown.abort(new Error('terminated')));

  const server = await startServer();
  console.log(`ZooKeeper: ${server.connectString} (${server.source})`);
  let exitCode = 1;
  try {
    const { ok, lines } = await run({ connectString: server.connectString, signal: shutdown.signal });
    console.log('');
    for (const line of lines) console.log(line);
    exitCode = ok ? 0 : 1;
  } catch (err) {
    console.error(shutdown.signal.aborted ? `stopped: ${shutdown.signal.reason.message}` : err);
    exitCode = shutdown.signal.aborted ? 130 : 1;
  } finally {
    await server[Symbol.asyncDispose]();
  }
  process.exitCode = exitCode;
}
