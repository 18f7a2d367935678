import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZooKitTestingError } from './errors.js';
import type { EnsembleMember, StartEnsembleOptions, ZooKeeperEnsemble } from './ensemble-types.js';
import { modeOf } from './four-letter-word.js';
import { NamespaceNetwork, partitionPairs, type NetEndpoint } from './netns.js';
import { baseConfigLines, baseJvmArgs, ensembleSetup } from './server-args.js';
import { LocalServer, type LocalServerInit } from './server.js';
import type { SpawnedClient } from './spawned-client.js';
import { SpawnedProcess } from './spawned-process.js';

const QUORUM_MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';
const CLIENT_PORT = 2181;
const QUORUM_PORT = 2888;
const ELECTION_PORT = 3888;

/** A member of a {@link NamespaceEnsemble}: its own namespace and address. */
export interface NamespaceMember extends EnsembleMember, NetEndpoint {
  /** Its network namespace. */
  readonly namespace: string;
}

/** Options of `NamespaceEnsemble.spawnClient`. */
export interface SpawnClientOptions {
  /** Extra environment variables (the ensemble's connect string is in `ZOOKIT_CONNECT`). */
  env?: Readonly<Record<string, string>>;
}

/**
 * An ensemble from `startEnsemble({ network: 'namespaces' })`: every member in its own
 * network namespace on a private /24, reachable from the test process, with partitions
 * made by the kernel. Cuts accumulate (`partition`, `isolate`, `oneWay`) until `heal()`.
 * Endpoints named in no group of a cut keep reaching everyone.
 */
export interface NamespaceEnsemble extends ZooKeeperEnsemble {
  /** Always `'namespaces'`. */
  readonly network: 'namespaces';
  /** The members, ordered by id. */
  readonly servers: readonly NamespaceMember[];
  /** The test process as an endpoint (its clients' source address): partition it like any other. */
  readonly testProcess: NetEndpoint;
  /** The /24 the harness owns. */
  readonly subnet: string;
  /**
   * Run `node script ...args` in a new namespace of its own, with `ZOOKIT_CONNECT` set to
   * the ensemble's connect string; it reports over IPC (`process.send`). Resolvable
   * packages are the workspace's (build them first: they load from `dist/`).
   */
  spawnClient(script: string, args?: readonly string[], options?: SpawnClientOptions): Promise<SpawnedClient>;
  /** Cut every endpoint of each group from every endpoint of the other groups (both directions). */
  partition(groups: ReadonlyArray<readonly NetEndpoint[]>): Promise<void>;
  /** Cut `endpoint` from every other endpoint (members, clients, the test process). */
  isolate(endpoint: NetEndpoint): Promise<void>;
  /** Drop packets from `from` to `to` only; the other direction keeps flowing. */
  oneWay(from: NetEndpoint, to: NetEndpoint): Promise<void>;
  /** Remove every cut. */
  heal(): Promise<void>;
  /** Each member's `srvr` mode (`leader`, `follower`, `read-only`), `undefined` if it does not serve. */
  modes(): Promise<Array<string | undefined>>;
  /**
   * Wait until exactly one of `among` (default: all running members) says `leader` and
   * every other of them says `follower`; resolves with the leader's index in `servers`.
   */
  waitForLeader(among?: readonly NamespaceMember[], timeoutMs?: number): Promise<number>;
  /** Wait until `member`'s `srvr` mode is one of `modes` (`undefined` = not serving). */
  waitForMode(member: NamespaceMember, modes: ReadonlyArray<string | undefined>, timeoutMs?: number): Promise<string | undefined>;
}

class Member extends LocalServer implements NamespaceMember {
  constructor(
    init: LocalServerInit,
    readonly id: number,
    readonly name: string,
    readonly address: string,
    readonly namespace: string,
  ) {
    super(init);
  }
  readonly quorumPort = QUORUM_PORT;
  readonly electionPort = ELECTION_PORT;
}

class Ensemble implements NamespaceEnsemble {
  readonly network = 'namespaces' as const;
  readonly connectString: string;
  readonly #clients: SpawnedClient[] = [];
  #spawned = 0;
  #stopped = false;

  constructor(
    readonly servers: readonly Member[],
    readonly rootDir: string,
    private readonly net: NamespaceNetwork,
  ) {
    this.connectString = servers.map((s) => s.connectString).join(',');
  }

  get testProcess(): NetEndpoint {
    return this.net.testProcess;
  }

  get subnet(): string {
    return this.net.subnet;
  }

  async spawnClient(script: string, args: readonly string[] = [], options: SpawnClientOptions = {}): Promise<SpawnedClient> {
    if (this.#stopped) throw new ZooKitTestingError('ENSEMBLE_STOPPED', 'the ensemble was stopped');
    if (typeof script !== 'string' || script === '') throw new RangeError('spawnClient needs a script path');
    const name = `c${++this.#spawned}`; // taken before any await: concurrent calls get distinct names
    const ep = await this.net.addEndpoint(name);
    const env = { ...process.env, ...options.env, ZOOKIT_CONNECT: this.connectString };
    const client = new SpawnedProcess(name, ep.address, ep.namespace, path.resolve(script), args, env);
    this.#clients.push(client);
    return client;
  }

  #check(endpoints: readonly NetEndpoint[]): void {
    const known = new Set([...this.servers, ...this.#clients, this.net.testProcess].map((e) => e.address));
    for (const e of endpoints) {
      if (!e || typeof e.address !== 'string' || !known.has(e.address)) throw new RangeError(`not an endpoint of this ensemble: ${JSON.stringify(e?.name ?? e)}`);
    }
  }

  async partition(groups: ReadonlyArray<readonly NetEndpoint[]>): Promise<void> {
    if (!Array.isArray(groups) || groups.length < 2) throw new RangeError('partition needs at least two groups');
    const flat = groups.flat();
    this.#check(flat);
    if (new Set(flat.map((e) => e.address)).size !== flat.length) throw new RangeError('an endpoint appears in two groups');
    await this.net.block(partitionPairs(groups));
  }

  async isolate(endpoint: NetEndpoint): Promise<void> {
    this.#check([endpoint]);
    const others = [...this.servers, ...this.#clients, this.net.testProcess].filter((e) => e.address !== endpoint.address);
    await this.net.block(partitionPairs([[endpoint], others]));
  }

  async oneWay(from: NetEndpoint, to: NetEndpoint): Promise<void> {
    this.#check([from, to]);
    if (from.address === to.address) throw new RangeError('oneWay needs two different endpoints');
    await this.net.block([[from, to]]);
  }

  heal(): Promise<void> {
    return this.net.heal();
  }

  modes(): Promise<Array<string | undefined>> {
    return Promise.all(this.servers.map(modeOf));
  }

  async waitForLeader(among: readonly NamespaceMember[] = this.servers, timeoutMs = 30_000): Promise<number> {
    this.#check(among);
    const deadline = Date.now() + timeoutMs;
    let last: Array<string | undefined> = [];
    for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
      const group = this.servers.filter((s) => among.includes(s) && s.running && !s.paused);
      last = await Promise.all(group.map(modeOf));
      // A one-member ensemble runs standalone: it leads itself.
      const leaders = last.flatMap((m, i) => (m === 'leader' || m === 'standalone' ? [group[i]!] : []));
      if (group.length > 0 && leaders.length === 1 && last.every((m) => m === 'leader' || m === 'follower' || m === 'standalone')) return this.servers.indexOf(leaders[0]!);
      await sleep(50);
    }
    throw new ZooKitTestingError('NO_LEADER', `no single leader among ${among.map((m) => m.name).join(',')} within ${timeoutMs} ms (modes: ${JSON.stringify(last)})`);
  }

  leader(timeoutMs = 30_000): Promise<number> {
    return this.waitForLeader(this.servers, timeoutMs);
  }

  async waitForQuorum(timeoutMs = 30_000): Promise<void> {
    await this.waitForLeader(this.servers, timeoutMs);
  }

  async waitForMode(member: NamespaceMember, modes: ReadonlyArray<string | undefined>, timeoutMs = 30_000): Promise<string | undefined> {
    this.#check([member]);
    const deadline = Date.now() + timeoutMs;
    let mode: string | undefined;
    for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
      mode = await modeOf(member as Member);
      if (modes.includes(mode)) return mode;
      await sleep(50);
    }
    throw new ZooKitTestingError('MODE_TIMEOUT', `${member.name} did not reach mode ${modes.join('|')} within ${timeoutMs} ms (last: ${mode})`);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      await Promise.all(this.#clients.map((c) => c.stop(1_000)));
      await Promise.all(this.servers.map((s) => s.stop().catch(() => undefined)));
    } finally {
      await Promise.all(this.servers.map((s) => s.destroy().catch(() => undefined)));
      await this.net.destroy().catch(() => undefined);
      await rm(this.rootDir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** Zoo.cfg lines of member `i` (0-based): namespace address, fixed ports, every 4lw. */
function memberConfig(options: StartEnsembleOptions, dataDir: string, address: string, serverLines: string[]): string[] {
  return [
    ...baseConfigLines(options, dataDir, CLIENT_PORT),
    `clientPortAddress=${address}`,
    '4lw.commands.whitelist=*',
    `initLimit=${options.initLimit ?? 10}`,
    `syncLimit=${options.syncLimit ?? 5}`,
    ...serverLines,
    ...(options.extraConfig ?? []),
  ];
}

/**
 * Start an ensemble whose members each run in a network namespace of their own (see
 * `startEnsemble({ network: 'namespaces' })`).
 * @throws {@link NetworkNamespacesUnavailableError} where namespaces cannot be made
 */
export async function startNamespaceEnsemble(options: StartEnsembleOptions): Promise<NamespaceEnsemble> {
  const { size, install } = ensembleSetup(options);
  const net = await NamespaceNetwork.create();
  let rootDir: string | undefined;
  const members: Member[] = [];
  try {
    rootDir = await mkdtemp(path.join(os.tmpdir(), 'zookit-netns-ensemble-'));
    const endpoints = [];
    for (let i = 0; i < size; i++) endpoints.push(await net.addEndpoint(`m${i + 1}`));
    const serverLines = endpoints.map((e, i) => `server.${i + 1}=${e.address}:${QUORUM_PORT}:${ELECTION_PORT}`);
    for (const [i, ep] of endpoints.entries()) {
      const dataDir = path.join(rootDir, `n${i + 1}`);
      await mkdir(dataDir);
      await writeFile(path.join(dataDir, 'myid'), `${i + 1}\n`);
      const init: LocalServerInit = {
        name: `ensemble member ${i + 1} (${ep.address})`,
        install,
        mainClass: QUORUM_MAIN,
        dataDir,
        port: CLIENT_PORT,
        configLines: memberConfig(options, dataDir, ep.address, serverLines),
        jvmArgs: baseJvmArgs(options),
        readyModes: size === 1 ? ['standalone'] : ['leader', 'follower'],
        startTimeoutMs: options.startTimeoutMs ?? 60_000,
        stopTimeoutMs: options.stopTimeoutMs ?? 5_000,
        finalStop: false,
        host: ep.address,
        launcher: ['ip', 'netns', 'exec', ep.namespace],
        localAddress: net.controlAddress,
      };
      members.push(new Member(init, i + 1, ep.name, ep.address, ep.namespace));
    }
    const ensemble = new Ensemble(members, rootDir, net);
    try {
      await Promise.all(members.map((m) => m.launch()));
      await Promise.all(members.map((m) => m.waitReady()));
      return ensemble;
    } catch (err) {
      await ensemble.stop().catch(() => undefined);
      throw err;
    }
  } catch (err) {
    await Promise.all(members.map((m) => m.destroy().catch(() => undefined)));
    await net.destroy().catch(() => undefined);
    if (rootDir) await rm(rootDir, { recursive: true, force: true });
    throw err;
  }
}
