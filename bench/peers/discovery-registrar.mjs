// A backend for the `discovery` workload: registers one instance with @zookit/discovery,
// prints `registered`, and waits to be SIGKILLed.
// node discovery-registrar.mjs <hosts> <basePath> <name> <id> <sessionTimeout>
import { ZooKeeperClient } from '@zookit/client';
import { ServiceDiscovery } from '@zookit/discovery';

const [hosts, basePath, name, id, sessionTimeout] = process.argv.slice(2);
const zk = new ZooKeeperClient({ hosts, sessionTimeout: Number(sessionTimeout) });
await zk.start();
const sd = new ServiceDiscovery(zk, { basePath });
await sd.start();
await sd.register({ name, id, address: '127.0.0.1', port: 9999 });
process.stdout.write('registered\n');
setInterval(() => {}, 60_000);
