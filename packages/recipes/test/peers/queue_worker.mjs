// A consumer process for the queue fault tests (runs the built packages): consumes a zookit
// queue with `concurrency`, each handler taking `holdMs`; prints "GOT <data>" as a handler
// starts.
// usage: node queue_worker.mjs <connect string with chroot> <path> <concurrency> <holdMs>
import { ZooKeeperClient } from '@zookit/client';
import { DistributedQueue } from '@zookit/recipes';

const [hosts, path, concurrency, holdMs] = process.argv.slice(2);
const zk = new ZooKeeperClient({ hosts, sessionTimeout: 3_000 });
zk.on('error', () => {});
await zk.start();
const q = new DistributedQueue(zk, path);
q.consume(
  async (item) => {
    process.stdout.write(`GOT ${item.data}\n`);
    await new Promise((r) => setTimeout(r, Number(holdMs)));
  },
  { concurrency: Number(concurrency) },
);
process.stdout.write('STARTED\n');
