// Reading a service's instance nodes: children, then every child's data in one multiRead
// per batch (3.6+; per-node gets, pipelined, on an older server). Not exported.
import { NoNodeError, UnimplementedError, type GetDataResult, type Stat, type ZooKeeperClient } from '@zookit/client';
import { InstanceDecodeError } from './errors.js';
import { parseInstance, type ServiceInstance } from './instance.js';

/** Paths per multiRead: keeps each request and reply well under the server's 1 MB jute limit for ordinary instances. */
const BATCH = 200;

/** One instance node as read: the instance, or why it could not be decoded. */
export interface ReadNode {
  readonly child: string;
  readonly stat: Stat;
  readonly instance: ServiceInstance | null;
  readonly error: InstanceDecodeError | null;
}

/** The children of `path`, or none when it does not exist. */
export async function childrenOf(zk: ZooKeeperClient, path: string): Promise<string[]> {
  try {
    return await zk.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
}

/** Whether the server said it has no multiRead; remembered per client. */
const noMultiRead = new WeakSet<ZooKeeperClient>();

/** The data of each path (null where the node is gone), in one round trip per batch. */
async function readData(zk: ZooKeeperClient, paths: readonly string[]): Promise<Array<GetDataResult | null>> {
  const batches: Promise<Array<GetDataResult | null>>[] = [];
  for (let i = 0; i < paths.length; i += BATCH) batches.push(readBatch(zk, paths.slice(i, i + BATCH)));
  return (await Promise.all(batches)).flat();
}

async function readBatch(zk: ZooKeeperClient, paths: readonly string[]): Promise<Array<GetDataResult | null>> {
  if (!noMultiRead.has(zk)) {
    try {
      const results = await zk.multiRead(paths.map((path) => ({ op: 'get' as const, path })));
      return results.map((r) => {
        if (r instanceof NoNodeError) return null;
        if (r instanceof Error) throw r;
        return r as GetDataResult;
      });
    } catch (err) {
      if (!(err instanceof UnimplementedError)) throw err;
      noMultiRead.add(zk);
    }
  }
  return Promise.all(paths.map((p) => zk.get(p).catch((err: unknown) => {
    if (err instanceof NoNodeError) return null;
    throw err;
  })));
}

/** Decodes one node's data; a bad node comes back with its error instead of an instance. */
function decodeNode(path: string, child: string, read: GetDataResult): ReadNode {
  try {
    return { child, stat: read.stat, instance: parseInstance(path, read.data), error: null };
  } catch (err) {
    if (!(err instanceof InstanceDecodeError)) throw err;
    return { child, stat: read.stat, instance: null, error: err };
  }
}

/** Every instance node under `servicePath` (children and data read together), in the server's child order. */
export async function readService(zk: ZooKeeperClient, servicePath: string): Promise<ReadNode[]> {
  const children = await childrenOf(zk, servicePath);
  const reads = await readData(zk, children.map((c) => `${servicePath}/${c}`));
  const out: ReadNode[] = [];
  children.forEach((child, i) => {
    const r = reads[i];
    if (r) out.push(decodeNode(`${servicePath}/${child}`, child, r));
  });
  return out;
}
