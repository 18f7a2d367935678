import { OpCode, Writer, Xid, writeSetWatches } from '@zookit/protocol';
import type { WatchKind, WatchRegistry } from './registry.js';

const KINDS: readonly WatchKind[] = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];

/**
 * The SetWatches frames that re-register every watch after a reconnect, split
 * so that no frame carries more than `batchBytes` of paths (the server drops a
 * frame above `jute.maxbuffer`). SetWatches2 is used only when a persistent
 * watch exists, so servers before 3.6 keep working.
 */
export function setWatchesFrames(registry: WatchRegistry, relativeZxid: bigint, batchBytes: number): Buffer[] {
  const persistent = registry.hasPersistent;
  const kinds = persistent ? KINDS : KINDS.slice(0, 3);
  const frames: Buffer[] = [];
  let batch = emptyBatch();
  let bytes = 0;
  const flush = () => {
    if (bytes === 0) return;
    const w = new Writer(bytes + 64);
    w.int(Xid.setWatches).int(persistent ? OpCode.setWatches2 : OpCode.setWatches);
    writeSetWatches(w, {
      relativeZxid,
      data: batch.data,
      exist: batch.exist,
      child: batch.child,
      ...(persistent ? { persistent: batch.persistent, persistentRecursive: batch.persistentRecursive } : {}),
    });
    frames.push(w.frame());
    batch = emptyBatch();
    bytes = 0;
  };
  for (const kind of kinds) {
    for (const path of registry.paths(kind)) {
      const n = Buffer.byteLength(path) + 4;
      if (bytes > 0 && bytes + n > batchBytes) flush();
      batch[kind].push(path);
      bytes += n;
    }
  }
  flush();
  return frames;
}

function emptyBatch(): Record<WatchKind, string[]> {
  return { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
}
