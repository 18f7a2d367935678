import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerStartError, ZooKitTestingError } from './errors.js';
import { modeOf } from './four-letter-word.js';
import type { LocalInstallation } from './installation.js';
import { allocatePorts } from './ports.js';
import type { EnsembleMember, StartEnsembleOptions, ZooKeeperEnsemble } from './ensemble-types.js';
import { baseConfigLines, baseJvmArgs, ensembleSetup } from './server-args.js';
import type { NamespaceEnsemble } from './namespace-ensemble.js';
import { LocalServer } from './server.js';

/** Quorum peer main class. */
const QUORUM_MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';

/** Modes an ensemble member reports when it serves requests. */
const MEMBER_READY_MODES = ['leader', 'follower'] as const;

class Member extends LocalServer implements EnsembleMember {
  constructor(
    init: ConstructorParameters<typeof LocalServer>[0],
    readonly id: number,
    readonly quorumPort: number,
    readonly electionPort: number,
  ) {
    super(init);
  }
}

function modesOf(members: readonly Member[]): Promise<(string | undefined)[]> {
  return Promise.all(members.map(modeOf));
}

class Ensemble implements ZooKeeperEnsemble {
  readonly connectString: string;
  private stopped = false;

  constructor(
    readonly servers: readonly Member[],
    readonly rootDir: string,
  ) {
    this.connectString = servers.map((s) => s.connectString).join(',');
  }

  async leader(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
      last = await modesOf(this.servers);
      const leaders = last.flatMap((mode, i) => (mode === 'leader' ? [i] : []));
      if (leaders.length === 1) return leaders[0]!;
      await sleep(50);
    }
    throw new ZooKitTestingError('NO_LEADER', `no single leader within ${timeoutMs} ms (modes: ${JSON.stringify(last)})`);
  }

  async waitForQuorum(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
      const live = this.servers.filter((s) => s.running && !s.paused);
      last = await modesOf(live);
      const leaders = last.filter((m) => m === 'leader').length;
      if (live.length > 0 && leaders === 1 && last.every((m) => m === 'leader' || m === 'follower')) return;
      await sleep(50);
    }
    throw new ZooKitTestingError('NO_QUORUM', `ensemble not serving within ${timeoutMs} ms (modes of running members: ${JSON.stringify(last)})`);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await Promise.all(this.servers.map((s) => s.stop()));
    } finally {
      await Promise.all(this.servers.map((s) => s.destroy().catch(() => undefined)));
      await rm(this.rootDir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Start an ensemble of `size` ZooKeeper members (`QuorumPeerMain`) on loopback, each with
 * its own client, quorum and election port and data directory (with `myid`). Members
 * start concurrently; resolves when every member reports `Mode: leader|follower`.
 * Retries with new ports (up to 3 times) if a port was taken meanwhile.
 *
 * Always uses a local installation (ignores `ZOOKEEPER_CONNECT`).
 *
 * @example
 * ```ts
 * await using ens = await startEnsemble({ size: 3 });
 * const i = await ens.leader();
 * await ens.servers[i]!.kill();
 * await ens.waitForQuorum();
 * ```
 * @throws {@link ZooKeeperNotFoundError} without a local installation
 * @throws {@link ServerStartError} if a member does not become ready (message has its log tail)
 * @throws NetworkNamespacesUnavailableError with `network: 'namespaces'` where
 *   namespaces cannot be made (not root, no `ip`)
 */
export async function startEnsemble(options: StartEnsembleOptions & { network: 'namespaces' }): Promise<NamespaceEnsemble>;
export async function startEnsemble(options?: StartEnsembleOptions): Promise<ZooKeeperEnsemble>;
export async function startEnsemble(options: StartEnsembleOptions = {}): Promise<ZooKeeperEnsemble> {
  if (options.network === 'namespaces') {
    const { startNamespaceEnsemble } = await import('./namespace-ensemble.js');
    return startNamespaceEnsemble(options);
  }
  if (options.network !== undefined && options.network !== 'loopback') throw new RangeError(`network must be 'loopback' or 'namespaces', got ${JSON.stringify(options.network)}`);
  const { size, install } = ensembleSetup(options);
  const maxAttempts = 3;
  for (let attempt = 1; ; attempt++) {
    const { members, rootDir } = await loopbackMembers(options, size, install);
    const ensemble = new Ensemble(members, rootDir);
    try {
      await Promise.all(members.map((m) => m.launch()));
      // Rejects on the first member that fails; the others' waits end when stop() kills them.
      await Promise.all(members.map((m) => m.waitReady()));
      return ensemble;
    } catch (err) {
      await ensemble.stop().catch(() => undefined);
      if (err instanceof ServerStartError && err.code === 'PORT_IN_USE' && attempt < maxAttempts) continue;
      throw err;
    }
  }
}

/** The members of a loopback ensemble of `size` on fresh ports, each with its data directory and `myid` written. */
async function loopbackMembers(options: StartEnsembleOptions, size: number, install: LocalInstallation): Promise<{ members: Member[]; rootDir: string }> {
  const ports = await allocatePorts(size * 3);
  const rootDir = await mkdtemp(path.join(os.tmpdir(), 'zookit-ensemble-'));
  const clientPort = (i: number): number => ports[i]!;
  const quorumPort = (i: number): number => ports[size + i]!;
  const electionPort = (i: number): number => ports[2 * size + i]!;
  const serverLines = Array.from({ length: size }, (_, i) => `server.${i + 1}=127.0.0.1:${quorumPort(i)}:${electionPort(i)}`);
  const members: Member[] = [];
  for (let i = 0; i < size; i++) {
    const dataDir = path.join(rootDir, `n${i + 1}`);
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, 'myid'), `${i + 1}\n`);
    const configLines = [
      ...baseConfigLines(options, dataDir, clientPort(i)),
      `initLimit=${options.initLimit ?? 10}`,
      `syncLimit=${options.syncLimit ?? 5}`,
      ...serverLines,
      ...(options.extraConfig ?? []),
    ];
    const spec = {
      name: `ensemble member ${i + 1}`, install, mainClass: QUORUM_MAIN, dataDir, port: clientPort(i), configLines,
      jvmArgs: baseJvmArgs(options), readyModes: MEMBER_READY_MODES, startTimeoutMs: options.startTimeoutMs ?? 60_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 5_000, finalStop: false,
    };
    members.push(new Member(spec, i + 1, quorumPort(i), electionPort(i)));
  }
  return { members, rootDir };
}
