// The recipes' node operations that survive connection loss, and their path check. Not exported.
import {
  ConnectionState, InvalidArgumentError, NodeExistsError, NoNodeError, SessionExpiredError, isRetryable, validatePath,
  type ZooKeeperClient,
} from '@zookit/client';
import { nextState } from './connection.js';
import { sortContenders } from './node-names.js';

/** The client's path check, plus what a recipe needs: not the root (a recipe keeps children under its path). */
export function recipePath(path: string): string {
  validatePath(path);
  if (path === '/') throw new InvalidArgumentError('path', 'a recipe cannot live at the root "/"');
  return path;
}

/**
 * Deletes `path`, an ephemeral node of session `session`, surviving connection loss: it
 * retries after every reconnect and counts as done once the node is gone (NoNode) or the
 * session is (its ephemerals went with it). Never rejects for those reasons.
 */
export async function guaranteedDelete(zk: ZooKeeperClient, path: string, session: bigint): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (zk.sessionId !== session || session === 0n) return;
    try {
      await zk.delete(path);
      return;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof SessionExpiredError) return;
      if (!isRetryable(err)) throw err;
    }
    if (zk.sessionId !== session) return;
    if (zk.state !== ConnectionState.CONNECTED) await nextState(zk);
  }
}

/**
 * Deletes our ephemeral node: at once (awaited) when connected, else in the background
 * once the connection is back, so a caller that gave up is never held by the delete.
 */
export async function abandonNode(zk: ZooKeeperClient, path: string, session: bigint): Promise<void> {
  if (session !== zk.sessionId) return;
  if (zk.state === ConnectionState.CONNECTED) {
    try {
      await zk.delete(path);
      return;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof SessionExpiredError) return;
    }
  }
  void guaranteedDelete(zk, path, session).catch(() => {});
}

/** Creates `path` as a container node (missing parents as plain nodes) unless it exists. */
export async function ensureContainer(zk: ZooKeeperClient, path: string): Promise<void> {
  try {
    await zk.create(path, null, { container: true, makePath: true });
  } catch (err) {
    if (!(err instanceof NodeExistsError)) throw err;
  }
}

/** The data of every recognised contender under `path`, in queue order. */
export async function readContenders(zk: ZooKeeperClient, path: string, filter: (name: string) => boolean = () => true): Promise<string[]> {
  let children: string[];
  try {
    children = await zk.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
  const sorted = sortContenders(children).filter((c) => filter(c.name));
  const data = await Promise.all(
    sorted.map((c) =>
      zk.get(`${path}/${c.name}`).then(
        (r) => r.data.toString('utf8'),
        (err: unknown) => {
          if (err instanceof NoNodeError) return undefined;
          throw err;
        },
      ),
    ),
  );
  return data.filter((d): d is string => d !== undefined);
}
