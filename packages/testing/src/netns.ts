import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ZooKitTestingError } from './errors.js';
import { runAtExit } from './process-registry.js';

/**
 * Linux network namespaces for `startEnsemble({ network: 'namespaces' })`.
 *
 * Topology (all created here, nothing else touched):
 * - a **hub** namespace that routes between every endpoint (IP forwarding and proxy ARP
 *   switched on inside the hub only);
 * - one namespace per endpoint (ensemble member or spawned client), joined to the hub by
 *   a veth pair, with one address `10.R.S.k/24` of the harness's private /24 and no other
 *   route: nothing can leave that subnet;
 * - one veth end in the test process's own namespace carrying two addresses of the /24:
 *   `.254` (the test process as an endpoint: the kernel's default source, so clients of
 *   the test process can be partitioned) and `.253` (the harness's control address: used
 *   for four-letter words, never partitioned).
 *
 * Faults are `ip rule … blackhole` rules in the hub, one per blocked (source, destination)
 * pair: forwarded packets are dropped silently, like a real network partition, and the
 * endpoints' own routing is never changed. Rules take effect when `ip` returns.
 *
 * Names: `zookit-<pid>-<n>-<role>` for namespaces and `zkn<pid36>-<n36>` for the veth
 * end in the test process's namespace. A sweep at every start removes namespaces whose
 * owner PID no longer runs (a crashed test process); `process.on('exit')` removes ours.
 */

/** Why `network: 'namespaces'` cannot be used here; thrown before anything is created. */
export class NetworkNamespacesUnavailableError extends ZooKitTestingError {
  /** @param reason - what is missing (not root, no `ip`, namespaces refused) */
  constructor(reason: string, options?: { cause?: unknown }) {
    super('NETNS_UNAVAILABLE', `network: 'namespaces' needs root and iproute2 (\`ip netns\`): ${reason}`, options);
  }
}

/** An `ip` command failed after the harness started building its network. */
export class NetworkCommandError extends ZooKitTestingError {
  /** @param message - the command and its stderr */
  constructor(message: string, options?: { cause?: unknown }) {
    super('NETNS_COMMAND_FAILED', message, options);
  }
}

/** Something with an address on the harness's network: a member, a spawned client, the test process. */
export interface NetEndpoint {
  /** Display name (`m1`, `c1`, `test-process`). */
  readonly name: string;
  /** Its IPv4 address on the private /24. */
  readonly address: string;
}

/** Name prefix of everything the harness creates (namespaces `zookit-<pid>-…`). */
const NETNS_PREFIX = 'zookit-';
const RULE_PREF = '1000';
const IP_TIMEOUT_MS = 15_000;

let ipBinary: string | undefined;
function ip(): string {
  ipBinary ??= ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p)) ?? 'ip';
  return ipBinary;
}

/** Run `ip ARGS` (optionally feeding `-batch -` from `input`); rejects with {@link NetworkCommandError}. */
function runIp(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(ip(), [...args], { timeout: IP_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new NetworkCommandError(`ip ${args.join(' ')} failed: ${(stderr || err.message).trim()}`, { cause: err }));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Names of all namespaces (`ip netns list`). */
async function listNamespaces(): Promise<string[]> {
  const out = await runIp(['netns', 'list']);
  return out.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove namespaces left by harness processes that no longer run (their names carry the
 * owner's PID, so a live test process's namespaces are never touched). Processes still
 * inside such a namespace were started by that dead harness and are killed first.
 * @returns the names removed
 */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listNamespaces()) {
    const m = /^zookit-(\d+)-/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const pids = await runIp(['netns', 'pids', name]).catch(() => '');
    for (const pid of pids.split('\n').map(Number).filter((p) => Number.isInteger(p) && p > 0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await runIp(['netns', 'del', name]).then(() => removed.push(name), () => undefined);
  }
  return removed;
}

/**
 * Fail fast, before creating anything, when namespaces cannot be made: not root, no
 * `ip`, or the kernel refuses `ip netns add`.
 * @throws {@link NetworkNamespacesUnavailableError}
 */
async function checkNamespaceSupport(): Promise<void> {
  if (process.platform !== 'linux') throw new NetworkNamespacesUnavailableError(`this is ${process.platform}, not Linux`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new NetworkNamespacesUnavailableError(`the test process runs as uid ${process.getuid()}, not root`);
  }
  if (!['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].some((p) => existsSync(p))) {
    throw new NetworkNamespacesUnavailableError('no `ip` binary (install iproute2)');
  }
  const probe = `${NETNS_PREFIX}${process.pid}-probe`;
  try {
    await runIp(['netns', 'add', probe]);
  } catch (err) {
    throw new NetworkNamespacesUnavailableError(`\`ip netns add\` was refused (${(err as Error).message})`, { cause: err });
  }
  await runIp(['netns', 'del', probe]).catch(() => undefined);
}

// Namespaces of this process still alive, removed synchronously if the process exits
// (or gets SIGINT/SIGTERM), after the processes inside were killed.
const liveNamespaces = new Set<string>();
let exitHookInstalled = false;
function removeOnExit(name: string): void {
  liveNamespaces.add(name);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  runAtExit(() => {
    for (const ns of liveNamespaces) {
      try {
        execFileSync(ip(), ['netns', 'del', ns], { stdio: 'ignore', timeout: 5_000 });
      } catch {
        // the next start's sweep removes it
      }
    }
    liveNamespaces.clear();
  });
}

let networkCounter = 0;

/** Pick a /24 inside 10.200.0.0/13 that no route of the test process's namespace covers. */
async function pickSubnet(seq: number): Promise<string> {
  const routes = await runIp(['-4', 'route', 'show', 'table', 'all']);
  for (let k = 0; k < 2048; k++) {
    const n = (process.pid * 31 + seq * 7 + k) % 2048;
    const base = `10.${200 + (n >> 8)}.${n & 255}`;
    if (!new RegExp(`(^|[^0-9])${base.replaceAll('.', '\\.')}\\.`, 'm').test(routes)) return base;
  }
  throw new NetworkCommandError('no free /24 in 10.200.0.0/13 for the harness network');
}

/** The harness's private network: a hub namespace, endpoint namespaces and blackhole rules. */
export class NamespaceNetwork {
  /** The test process as an endpoint (`.254`: its default source address on this network). */
  readonly testProcess: NetEndpoint;
  /** The harness's own source address (`.253`) for four-letter words; never partitioned. */
  readonly controlAddress: string;
  /** Namespace that routes between the endpoints. */
  readonly hub: string;
  readonly #prefix: string;
  readonly #base: string;
  readonly #namespaces: string[] = [];
  readonly #rules = new Set<string>();
  #hostLink: string | undefined;
  #nextHost = 1;
  #destroyed = false;

  private constructor(prefix: string, base: string) {
    this.#prefix = prefix;
    this.#base = base;
    this.hub = `${prefix}-hub`;
    this.testProcess = { name: 'test-process', address: `${base}.254` };
    this.controlAddress = `${base}.253`;
  }

  /** `10.R.S.0/24`. */
  get subnet(): string {
    return `${this.#base}.0/24`;
  }

  /**
   * Check support, sweep leftovers of dead harness processes, then build the hub and the
   * test process's veth end. Removes what it built if a step fails.
   * @throws {@link NetworkNamespacesUnavailableError} where namespaces cannot be made
   */
  static async create(): Promise<NamespaceNetwork> {
    await checkNamespaceSupport();
    await sweepStaleNamespaces();
    const seq = ++networkCounter;
    const net = new NamespaceNetwork(`${NETNS_PREFIX}${process.pid}-${seq}`, await pickSubnet(seq));
    try {
      await net.#addNamespace(net.hub);
      const sysctls = ['net.ipv4.ip_forward=1', 'net.ipv4.conf.all.proxy_arp=1', 'net.ipv4.conf.default.proxy_arp=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0'];
      await runIp(['netns', 'exec', net.hub, 'sysctl', '-qw', ...sysctls]);
      await runIp(['-n', net.hub, 'link', 'set', 'lo', 'up']);
      // The hub needs an address of its own to source ARP requests on its ports.
      await runIp(['-n', net.hub, 'addr', 'add', `${net.#base}.250/32`, 'dev', 'lo']);
      const hostLink = `zkn${process.pid.toString(36)}-${seq.toString(36)}`;
      await runIp(['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'ptest', 'netns', net.hub]);
      net.#hostLink = hostLink;
      await net.#answerArpAtOnce('ptest');
      // .254 first: the primary address, so the kernel picks it as the default source.
      await runIp(['addr', 'add', `${net.testProcess.address}/24`, 'dev', hostLink]);
      await runIp(['addr', 'add', `${net.controlAddress}/24`, 'dev', hostLink]);
      await runIp(['link', 'set', hostLink, 'up']);
      await runIp(['-n', net.hub, 'link', 'set', 'ptest', 'up']);
      for (const a of [net.testProcess.address, net.controlAddress]) await runIp(['-n', net.hub, 'route', 'add', `${a}/32`, 'dev', 'ptest']);
      return net;
    } catch (err) {
      await net.destroy().catch(() => undefined);
      throw err;
    }
  }

  async #addNamespace(name: string): Promise<void> {
    await runIp(['netns', 'add', name]);
    this.#namespaces.push(name);
    removeOnExit(name);
  }

  /**
   * A new endpoint: its own namespace `…-<role>` joined to the hub, with the next free
   * address. Members get `.1`, `.2`, … in creation order.
   */
  async addEndpoint(role: string): Promise<NetEndpoint & { namespace: string }> {
    if (this.#destroyed) throw new NetworkCommandError('the network was destroyed');
    const host = this.#nextHost++;
    if (host >= 250) throw new NetworkCommandError('no more addresses on the harness network (249 endpoints)');
    const namespace = `${this.#prefix}-${role}`;
    const address = `${this.#base}.${host}`;
    const port = `p${host}`;
    await this.#addNamespace(namespace);
    await runIp(['-n', this.hub, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
    await this.#answerArpAtOnce(port);
    await runIp(['-n', namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    await runIp(['-n', namespace, 'link', 'set', 'lo', 'up']);
    await runIp(['-n', namespace, 'link', 'set', 'eth0', 'up']);
    await runIp(['-n', this.hub, 'link', 'set', port, 'up']);
    await runIp(['-n', this.hub, 'route', 'add', `${address}/32`, 'dev', port]);
    return { name: role, address, namespace };
  }

  /**
   * The hub answers ARP for the others on each port (proxy ARP), by default after a random
   * delay of up to 0.8 s: two such waits made a fresh endpoint's first connection take over
   * a second. The harness network has no reason to wait.
   */
  async #answerArpAtOnce(port: string): Promise<void> {
    await runIp(['netns', 'exec', this.hub, 'sysctl', '-qw', `net.ipv4.neigh.${port}.proxy_delay=0`]);
  }

  /** Currently blocked directions, as `from>to` address pairs. */
  get blocked(): readonly string[] {
    return [...this.#rules];
  }

  /**
   * Drop packets in the given directions (added to the cuts already in place). Resolves
   * once the kernel has the rules.
   */
  async block(pairs: ReadonlyArray<readonly [NetEndpoint, NetEndpoint]>): Promise<void> {
    const fresh = pairs.map(([a, b]) => `${a.address}>${b.address}`).filter((k, i, all) => !this.#rules.has(k) && all.indexOf(k) === i);
    if (fresh.length === 0) return;
    // Recorded first: if the batch fails half-way, heal() still removes what was added.
    for (const k of fresh) this.#rules.add(k);
    await this.#batch(fresh.map((k) => ruleLine('add', k)));
  }

  /** Remove every cut. */
  async heal(): Promise<void> {
    if (this.#rules.size === 0) return;
    const all = [...this.#rules];
    this.#rules.clear();
    // -force: go on past a rule that is not there (a half-applied block()).
    await this.#batch(all.map((k) => ruleLine('del', k)), true);
  }

  async #batch(lines: string[], force = false): Promise<void> {
    try {
      await runIp(['-n', this.hub, ...(force ? ['-force'] : []), '-batch', '-'], `${lines.join('\n')}\n`);
    } catch (err) {
      // With -force, ip reports the failed lines but has applied the others.
      if (!force) throw err;
    }
  }

  /** Delete every namespace (their veth pairs go with them). Idempotent. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    const failures: string[] = [];
    // Deleted explicitly: the kernel removes a namespace's links asynchronously.
    const hostLink = this.#hostLink;
    this.#hostLink = undefined;
    if (hostLink) await runIp(['link', 'del', hostLink]).catch((err: Error) => failures.push(err.message));
    const names = this.#namespaces.splice(0).reverse();
    for (const name of names) {
      try {
        await runIp(['netns', 'del', name]);
        liveNamespaces.delete(name);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    if (failures.length > 0) throw new NetworkCommandError(`could not remove every namespace: ${failures.join('; ')}`);
  }
}

function ruleLine(op: 'add' | 'del', key: string): string {
  const [from, to] = key.split('>');
  return `rule ${op} from ${from} to ${to} blackhole pref ${RULE_PREF}`;
}

/** Directed pairs cut by `partition(groups)`: every endpoint of one group from every endpoint of another. */
export function partitionPairs(groups: ReadonlyArray<readonly NetEndpoint[]>): Array<[NetEndpoint, NetEndpoint]> {
  const pairs: Array<[NetEndpoint, NetEndpoint]> = [];
  groups.forEach((g, i) =>
    groups.forEach((h, j) => {
      if (i === j) return;
      for (const a of g) for (const b of h) pairs.push([a, b]);
    }),
  );
  return pairs;
}
