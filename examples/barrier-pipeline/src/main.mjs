// npm start -w @zookit/example-barrier-pipeline [-- --workers 4 --items 1000]
//
// Uses the ensemble in ZOOKEEPER_CONNECT, or starts a local ZooKeeper server.
import { parseArgs } from 'node:util';
import { runExample } from '@zookit/example-shared/main';
import { formatSummary, runPipeline } from './index.mjs';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '4' },
    items: { type: 'string', default: '1000' },
  },
});

await runExample(async ({ connectString, signal }) => {
  const summary = await runPipeline({
    connectString,
    workers: Number(values.workers),
    items: Number(values.items),
    signal,
    onEvent: (e) => {
      if (e.type === 'registered') console.log(`registered: ${e.workers}/${e.of} workers (the start barrier is up)`);
      else if (e.type === 'start') console.log('start barrier lowered: go');
      else if (e.type === 'entered') console.log(`${e.worker} entered ${e.phase}`);
      else if (e.type === 'finished') console.log(`${e.worker} finished ${e.phase}: ${JSON.stringify(e.output)}`);
      else if (e.type === 'left') console.log(`${e.worker} left ${e.phase}`);
    },
  });
  return { ok: summary.ok, lines: formatSummary(summary) };
});
