// npm start -w @zookit/example-service-discovery [-- --backends 3 --session-timeout 2000]
//
// Uses the ensemble in ZOOKEEPER_CONNECT, or starts a local ZooKeeper server.
import { parseArgs } from 'node:util';
import { startServer } from '@zookit/testing';
import { formatSummary, runServiceDiscovery } from './index.mjs';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '3' },
    'session-timeout': { type: 'string', default: '2000' },
  },
});

const shutdown = new AbortController();
process.once('SIGINT', () => shutdown.abort(new Error('interrupted')));
process.once('SIGTERM', () => shutdown.abort(new Error('terminated')));

const server = await startServer();
console.log(`ZooKeeper: ${server.connectString} (${server.source})`);
let exitCode = 1;
try {
  const summary = await runServiceDiscovery({
    connectString: server.connectString,
    backends: Number(values.backends),
    sessionTimeout: Number(values['session-timeout']),
    signal: shutdown.signal,
    onEvent: (e) => {
      if (e.type === 'registered') console.log(`${e.name} (pid ${e.pid}) serves http://127.0.0.1:${e.port}, registered as orders/${e.id}`);
      else if (e.type === 'listening') console.log(`gateway (pid ${e.pid}) serves http://127.0.0.1:${e.port}/orders/<n>`);
      else if (e.type === 'instances') console.log(`gateway sees ${e.ids.length} orders instance(s)`);
      else if (e.type === 'kill') console.log(`!! SIGKILL ${e.name} (pid ${e.pid})`);
      else if (e.type === 'removed') console.log(`${e.name} left the registry after ${e.removalMs} ms`);
      else if (e.type === 'error') console.log(`${e.name}: ${e.message}`);
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
