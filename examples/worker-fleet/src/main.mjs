// npm start -w @zookit/example-worker-fleet [-- --workers 4 --jobs 20 --no-kill]
//
// Uses the ensemble in ZOOKEEPER_CONNECT, or starts a local ZooKeeper server.
import { parseArgs } from 'node:util';
import { runExample } from '@zookit/example-shared/main';
import { formatSummary, runFleet } from './index.mjs';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '4' },
    jobs: { type: 'string', default: '20' },
    'no-kill': { type: 'boolean', default: false },
    'session-timeout': { type: 'string', default: '2000' },
  },
});

await runExample(async ({ connectString, signal }) => {
  const summary = await runFleet({
    connectString,
    workers: Number(values.workers),
    jobs: Number(values.jobs),
    kill: !values['no-kill'],
    sessionTimeout: Number(values['session-timeout']),
    signal,
    onEvent: (e) => {
      if (e.type === 'claimed') console.log(`${e.worker} claimed ${e.job} (fencing token ${e.token}, attempt ${e.attempts})`);
      else if (e.type === 'done') console.log(`${e.worker} finished ${e.job} → ${e.output}   [${e.total} done]`);
      else if (e.type === 'killed') console.log(`!! killed ${e.worker} (SIGKILL) while it works on ${e.job}; its lock goes when its session expires`);
      else if (e.type === 'state') console.log(`${e.worker}: ${e.previous} → ${e.state}`);
      else if (e.type === 'abandoned' || e.type === 'rejected') console.log(`${e.worker} ${e.type} ${e.job}: ${e.reason}`);
    },
  });
  return { ok: summary.exactlyOnce, lines: formatSummary(summary) };
});
