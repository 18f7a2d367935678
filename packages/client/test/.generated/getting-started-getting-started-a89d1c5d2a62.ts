// Generated from docs/getting-started.md by getting-started.test.ts. Do not edit.
import { ZooKeeperClient } from '@zookit/client';

const zk = new ZooKeeperClient({ hosts: "127.0.0.1:35297/getting-started-a89d1c5d2a62" });
await zk.start();
console.log(zk.state); // → CONNECTED

import { ConnectionState } from '@zookit/client';

zk.addListener((state, previous) => {
  if (state === ConnectionState.LOST) {
    // The session is gone (expired, or closed): every ephemeral node of it is gone.
  } else if (state === ConnectionState.SUSPENDED) {
    // Disconnected. The session may still be alive: treat what you hold as uncertain.
  } else {
    // CONNECTED (or READ_ONLY): connected, or reconnected.
  }
  console.log(`connection: ${previous} → ${state}`);
});

await zk.waitForState(ConnectionState.CONNECTED, { timeout: 5_000 });

const reader = new ZooKeeperClient({ hosts: "127.0.0.1:35297/getting-started-a89d1c5d2a62", readOnly: true });
await reader.start();
console.log(`read-only client: ${reader.state}`); // → read-only client: CONNECTED
await reader.stop();

await zk.ensurePath('/my/favorite');
await zk.create('/my/favorite/node', 'a value');

const jobPath = await zk.create('/my/favorite/job-', 'x', { ephemeral: true, sequential: true });
console.log(jobPath); // → /my/favorite/job-0000000001

if (await zk.exists('/my/favorite')) {
  console.log('/my/favorite exists'); // → /my/favorite exists
}

const { data, stat } = await zk.get('/my/favorite/node');
console.log(`version: ${stat.version}, data: ${data.toString()}`); // → version: 0, data: a value

const children = await zk.getChildren('/my/favorite');
console.log(`children: ${children.sort().join(', ')}`); // → children: job-0000000001, node

import { NoNodeError } from '@zookit/client';

try {
  await zk.get('/my/missing');
} catch (err) {
  if (!(err instanceof NoNodeError)) throw err;
  console.log(err.message); // → NONODE: /my/missing (getData)
}

import { BadVersionError } from '@zookit/client';

await zk.set('/my/favorite', 'some data');

const afterSet = await zk.set('/my/favorite/node', 'a new value', { version: stat.version });
console.log(`now at version ${afterSet.version}`); // → now at version 1

try {
  await zk.set('/my/favorite/node', 'a stale update', { version: stat.version });
} catch (err) {
  if (!(err instanceof BadVersionError)) throw err;
  console.log(err.message); // → BADVERSION: /my/favorite/node (setData)
}

await zk.delete('/my/favorite/node');

await zk.ensurePath('/my/scratch/a/b');
await zk.delete('/my/scratch', { recursive: true });
console.log(`scratch exists: ${(await zk.exists('/my/scratch')) !== null}`); // → scratch exists: false

const { data: favorite } = await zk.retry(() => zk.get('/my/favorite'), { maxTries: 5, delay: 100, deadline: 10_000 });
console.log(favorite.toString()); // → some data

import type { WatchedEvent } from '@zookit/client';

let onChange!: (event: WatchedEvent) => void;
const changed = new Promise<WatchedEvent>((resolve) => (onChange = resolve));
await zk.get('/my/favorite', { watch: (event) => onChange(event) });

await zk.set('/my/favorite', 'changed');
const change = await changed;
console.log(`${change.type} ${change.path}`); // → CHANGED /my/favorite

let onChild!: (event: WatchedEvent) => void;
const childEvent = new Promise<WatchedEvent>((resolve) => (onChild = resolve));
await zk.getChildren('/my/favorite', { watch: (event) => onChild(event) });
await zk.create('/my/favorite/second');
console.log(`${(await childEvent).type} ${(await childEvent).path}`); // → CHILD /my/favorite

import { EventType } from '@zookit/client';

let onCreated!: (event: WatchedEvent) => void;
const created = new Promise<WatchedEvent>((resolve) => (onCreated = resolve));
const everything = (event: WatchedEvent) => {
  if (event.type === EventType.CREATED) onCreated(event);
};
await zk.addWatch('/my', everything, { recursive: true });
await zk.create('/my/favorite/deep', 'x');
console.log(`persistent watch saw ${(await created).path}`); // → persistent watch saw /my/favorite/deep
await zk.removeWatches('/my', everything);

import { ChildrenWatch, DataWatch } from '@zookit/recipes';

let sawUpdate!: () => void;
const updateSeen = new Promise<void>((resolve) => (sawUpdate = resolve));
const dataWatch = new DataWatch(zk, '/my/favorite', (value, nodeStat) => {
  console.log(`Data is ${value?.toString()}, version is ${nodeStat?.version}`);
  if (value?.toString() === 'updated') sawUpdate();
});
await dataWatch.ready; // → Data is changed, version is 2
await zk.set('/my/favorite', 'updated');
await updateSeen; // → Data is updated, version is 3
dataWatch.stop();

let sawChild!: () => void;
const childSeen = new Promise<void>((resolve) => (sawChild = resolve));
const childrenWatch = new ChildrenWatch(zk, '/my/favorite', (names) => {
  console.log(`Children are now: ${[...names].sort().join(', ')}`);
  if (names.includes('third')) sawChild();
});
await childrenWatch.ready; // → Children are now: deep, job-0000000001, second
await zk.create('/my/favorite/third');
await childSeen; // → Children are now: deep, job-0000000001, second, third
childrenWatch.stop();

const { stat: favoriteStat } = await zk.get('/my/favorite');
const results = await zk
  .transaction()
  .check('/my/favorite', favoriteStat.version)
  .create('/my/favorite/txn', 'a value')
  .setData('/my/favorite', 'committed')
  .commit();
console.log(`committed: ${results[1]}`); // → committed: /my/favorite/txn

const failed = await zk
  .transaction()
  .check('/my/favorite', favoriteStat.version) // stale now: the transaction fails as a whole
  .create('/my/favorite/never')
  .commit();
console.log(failed.map((r) => (r instanceof Error ? r.constructor.name : r)).join(', ')); // → BadVersionError, RolledBackError
console.log(`never exists: ${(await zk.exists('/my/favorite/never')) !== null}`); // → never exists: false

await zk.delete('/my', { recursive: true });
await zk.stop();
console.log(zk.state); // → LOST
