// npm start -w @zookit/example-service-discovery [-- --backends 3 --session-timeout 2000]
//
// Uses the ensemble in ZOOKEEPER_CONNECT, or starts a local ZooKeeper server.
import { parseArgs } from 'node:util';
import { runExample } from '@zookit/example-shared/main';
import { formatSummary, runServiceDiscovery } from './index.mjs';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: '3' },
    'session-timeout': { type: 'string', default: '2000' },
  },
});

await runExample(async ({ connectString, signal }) => {
  const summary = await runServiceDiscovery({
    connectString,
    backends: Number(values.backends),
    sessionTimeout: Number(values['session-timeout']),
    signal,
    onEvent: (e) => {
      if (e.type === 'registered') console.log(`${e.name} (pid ${e.pid}) serves http://127.0.0.1:${e.port}, registered as orders/${e.id}`);
      else if (e.type === 'listening') console.log(`gateway (pid ${e.pid}) serves http://127.0.0.1:${e.port}/orders/<n>`);
      else if (e.type === 'instances') console.log(`gateway sees ${e.ids.length} orders instance(s)`);
      else if (e.type === 'kill') console.log(`!! SIGKILL ${e.name} (pid ${e.pid})`);
      else if (e.type === 'removed') console.log(`${e.name} left the registry after ${e.removalMs} ms`);
      else if (e.type === 'error') console.log(`${e.name}: ${e.message}`);
    },
  });
  return { ok: summary.ok, lines: formatSummary(summary) };
});
