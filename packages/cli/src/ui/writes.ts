import { BadVersionError, InvalidArgumentError, NoNodeError, NodeExistsError, NotEmptyError, ZooKitError, validatePath, type ZooKeeperClient } from '@zookit/client';
import { apply, parseDump, plan } from '../copy.js';
import { UsageError } from '../errors.js';

// The console's writes (only with `zk ui --allow-writes`). Every edit carries the version
// the page read: a node changed meanwhile is refused (BADVERSION), never overwritten.

/** A refusal the page shows as it is (HTTP status and a sentence). */
export class Refused extends ZooKitError {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** A JSON body field of the expected type (a Refused 400 otherwise). */
function field<T extends 'string' | 'number' | 'boolean'>(body: Record<string, unknown>, name: string, type: T, optional = false): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const v = body[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== type) throw new Refused(400, `${name} must be a ${type}`);
  return v as never;
}

function pathField(body: Record<string, unknown>, name = 'path'): string {
  const path = field(body, name, 'string')!;
  try {
    validatePath(path);
  } catch (err) {
    throw new Refused(400, (err as Error).message);
  }
  return path;
}

function dataField(body: Record<string, unknown>): Buffer {
  const data = field(body, 'data', 'string', true) ?? '';
  return field(body, 'encoding', 'string', true) === 'base64' ? Buffer.from(data, 'base64') : Buffer.from(data, 'utf8');
}

/** Creates a persistent node. */
async function create(zk: ZooKeeperClient, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const path = pathField(body);
  try {
    return { created: await zk.create(path, dataField(body)) };
  } catch (err) {
    if (err instanceof NodeExistsError) throw new Refused(409, `${path} already exists`);
    if (err instanceof NoNodeError) throw new Refused(409, `the parent of ${path} does not exist`);
    throw err;
  }
}

/** Sets a node's data at the version the page read. */
async function edit(zk: ZooKeeperClient, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const path = pathField(body);
  const version = field(body, 'version', 'number')!;
  try {
    const stat = await zk.set(path, dataField(body), { version });
    return { path, version: stat.version };
  } catch (err) {
    if (err instanceof BadVersionError) {
      const now = await zk.exists(path);
      throw new Refused(409, `not saved: ${path} was changed by someone else since you opened it (you read version ${version}, it is now at version ${now?.version ?? '?'}). Reload it to see the new data, then edit again.`);
    }
    if (err instanceof NoNodeError) throw new Refused(409, `not saved: ${path} was deleted by someone else since you opened it`);
    throw err;
  }
}

/** Deletes a node (at the version read), or its whole subtree with `recursive`. */
async function remove(zk: ZooKeeperClient, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const path = pathField(body);
  if (path === '/') throw new Refused(400, 'the root cannot be deleted');
  const recursive = field(body, 'recursive', 'boolean', true) === true;
  const version = field(body, 'version', 'number', true);
  try {
    await zk.delete(path, recursive ? { recursive: true } : { ...(version === undefined ? {} : { version }) });
    return { deleted: path, recursive };
  } catch (err) {
    if (err instanceof NotEmptyError) throw new Refused(409, `${path} has children: use recursive delete`);
    if (err instanceof BadVersionError) throw new Refused(409, `not deleted: ${path} was changed by someone else since you opened it`);
    if (err instanceof NoNodeError) throw new Refused(409, `${path} does not exist (any more)`);
    throw err;
  }
}

/** Where a dump of `root` lands when imported under `parent`: `<parent>/<root's name>` (a dump of `/` lands in `parent`). */
function underPath(parent: string, root: string): string {
  const name = root.slice(root.lastIndexOf('/') + 1);
  if (name === '') return parent;
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** Writes a dump (the CLI's format) at its own root, at `to`, or under `under` (keeping its root's name). */
async function importDump(zk: ZooKeeperClient, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const text = field(body, 'text', 'string')!;
  let dump;
  try {
    dump = parseDump(text, 'the file');
  } catch (err) {
    throw new Refused(400, (err as Error).message);
  }
  const to = body['under'] !== undefined ? underPath(pathField(body, 'under'), dump.header.root) : body['to'] === undefined || body['to'] === '' ? dump.header.root : pathField(body, 'to');
  const p = await plan(zk, dump.records, dump.header.root, to);
  await apply(zk, p, to);
  const count = (a: string) => p.steps.filter((s) => s.action.startsWith(a)).length;
  return { root: to, created: count('create'), updated: count('update'), unchanged: count('unchanged') };
}

/** The write operations by URL. */
export const WRITES: Record<string, (zk: ZooKeeperClient, body: Record<string, unknown>) => Promise<Record<string, unknown>>> = {
  '/api/create': create,
  '/api/set': edit,
  '/api/delete': remove,
  '/api/import': importDump,
};

/** The HTTP status for an error of a read or write. */
export function statusFor(err: unknown): number {
  if (err instanceof Refused) return err.status;
  if (err instanceof NoNodeError) return 404;
  if (err instanceof InvalidArgumentError || err instanceof UsageError) return 400;
  return 500;
}
