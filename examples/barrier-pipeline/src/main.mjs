// npm start -w @zookit/example-barrier-pipeline [-- --workers 4 --items 1000]
//
// Uses the ensemble in ZOOKEEPER_CONNECT, or starts a local ZooKeeper server.
import { parseArgs } from 'node:util';
import { startServer } from '@zookit/testing';
import { formatSummary, runPipeline } from './index.mjs';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '4' },
    items: { type: 'string', default: '1000' },
  },
});

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort(new Error('interrupted')));
process.once('SIGTERM', () => shutdown.abort(new Error('terminated')));

const server = await startServer();
console.log(`ZooKeeper: ${server.connectString} (${server.source})`);
let exitCode = 1;
try {
  const summary = await runPipeline({
    connectString: server.connectString,
    workers: Number(values.workers),
    items: Number(values.items),
    signal: shutdown.signal,
    onEvent: (e) => {
      if (e.type === 'registered') console.log(`registered: ${e.workers}/${e.of} workers (the start barrier is up)`);
      else if (e.type === 'start') console.log('start barrier lowered: go');
      else if (e.type === 'entered') console.log(`${e.worker} entered ${e.phase}`);
      else if (e.type === 'finished') console.log(`${e.worker} finished ${e.phase}: ${JSON.stringify(e.output)}`);
      else if (e.type === 'left') console.log(`${e.worker} left ${e.phase}`);
    },
  });
  console.log('');
  for (const line of formatSummary(summary)) console.log(line);
  exitCode = summary.ok ? 0 : 1;
} catch (err) {
  console.error(shutdown.signal.aborted ? `stopped: ${shutdown.signal.reason.message}` : err);
  exitCode = shutdown.signal.aborted ? 130 : 1;
} finally {
  await server[Symbol.asyncDispose]();
}
process.exitCode = exitCode;
