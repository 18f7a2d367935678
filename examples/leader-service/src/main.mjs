// npm start -w @zookit/example-leader-service [-- --nodes 3 --failover stop|kill --stay]
//
// Uses the ensemble in ZOOKEEPER_CONNECT, or starts a local ZooKeeper server.
// With --stay, the services keep running after the failover until Ctrl-C (curl their /status).
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { runExample } from '@zookit/example-shared/main';
import { formatStatuses, formatSummary, runLeaderService } from './index.mjs';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    failover: { type: 'string', default: 'stop' },
    'session-timeout': { type: 'string', default: '2000' },
    stay: { type: 'boolean', default: false },
  },
});
if (values.failover !== 'stop' && values.failover !== 'kill') throw new Error('--failover must be stop or kill');

await runExample(async ({ connectString, signal }) => {
  const summary = await runLeaderService({
    connectString,
    nodes: Number(values.nodes),
    failover: values.failover,
    sessionTimeout: Number(values['session-timeout']),
    signal,
    onEvent: async (e) => {
      if (e.type === 'listening') console.log(`${e.name} (pid ${e.pid}) serves http://127.0.0.1:${e.port}/status`);
      else if (e.type === 'state') console.log(`${e.name}: ${e.previous} → ${e.state}`);
      else if (e.type === 'leader') console.log(`${e.name} is the leader (fencing token ${e.fencingToken})`);
      else if (e.type === 'follower') console.log(`${e.name} is no longer the leader (${e.reason ?? 'resigned'})`);
      else if (e.type === 'status') console.log(['GET /status:', ...formatStatuses(e.statuses)].join('\n'));
      else if (e.type === 'failover' && e.phase === 'begin') console.log(`!! taking the leader ${e.leader} down (${e.how})`);
      else if (e.type === 'failover' && e.phase === 'end') console.log(`${e.leader} took over after ${e.failoverMs} ms`);
      if (values.stay && e.type === 'failover' && e.phase === 'end') {
        console.log('--stay: services keep running; Ctrl-C to stop');
        await once(signal, 'abort');
      }
    },
  });
  return { ok: summary.ok, lines: formatSummary(summary) };
});
