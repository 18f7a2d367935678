// Scenarios 14 and 15 on a real 3-member ensemble: an Election with 3 candidates, each
// client reaching every member through its own FaultProxy. Faults: the leader's member
// killed, the leader black-holed until the server expires its session, the leader
// closed, and a quorum outage longer than the session timeout (local LOST while the
// server keeps the sessions).
import { ConnectionState, ZooKeeperClient } from '@zookit/client';
import { FaultProxy, startEnsemble, type ZooKeeperEnsemble } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Election } from '../src/index.js';
import { electionLoop, type Interval } from './helpers.js';

const SESSION = 3_000;
const PATH = '/election/ha';
let ensemble: ZooKeeperEnsemble;
let chroot = '';

beforeAll(async () => {
  ensemble = await startEnsemble({ size: 3 });
  chroot = uniqueChroot('el');
  const admin = new ZooKeeperClient({ hosts: ensemble.connectString, sessionTimeout: SESSION });
  await admin.start();
  await admin.ensurePath(chroot);
  await admin.close();
}, 90_000);

afterAll(async () => {
  await ensemble?.stop();
});

/** One participant: a client over three proxies (one per member), running the election in a loop like a service. */
class Candidate {
  readonly proxies: FaultProxy[] = [];
  zk!: ZooKeeperClient;
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  constructor(
    readonly name: string,
    readonly log: Interval[],
    readonly onLeader: () => void,
  ) {}

  async start(): Promise<this> {
    for (const m of ensemble.servers) this.proxies.push(await FaultProxy.start({ target: { host: m.host, port: m.port } }));
    this.zk = new ZooKeeperClient({ hosts: this.proxies.map((p) => p.connectString).join(',') + chroot, sessionTimeout: SESSION });
    this.zk.on('error', () => {});
    await this.zk.start();
    this.#loop = this.#run();
    return this;
  }

  #run(): Promise<void> {
    const election = new Election(this.zk, PATH, this.name);
    return electionLoop({ zk: this.zk, election, who: this.name, log: this.log, onLeader: this.onLeader, stop: this.#stop.signal, reconnectTimeout: 20_000 });
  }

  /** The member this client is attached to (through its proxy), as an index into ensemble.servers. */
  member(): number {
    const creds = (this.zk as unknown as Record<symbol, () => { port: number } | undefined>)[Symbol.for('zookit.sessionCredentials')]!.call(this.zk);
    const i = this.proxies.findIndex((p) => p.connectString.endsWith(`:${creds!.port}`));
    expect(i).toBeGreaterThanOrEqual(0);
    return i;
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.zk.close();
    await this.#loop;
    await Promise.all(this.proxies.map((p) => p.close()));
  }
}

describe('scenarios 14/15: Election on a 3-member ensemble', () => {
  const log: Interval[] = [];
  let candidates: Candidate[] = [];
  let leaderWaiters: (() => void)[] = [];
  const onLeader = () => {
    for (const w of leaderWaiters.splice(0)) w();
  };
  let admin: ZooKeeperClient;

  beforeAll(async () => {
    admin = new ZooKeeperClient({ hosts: ensemble.connectString + chroot, sessionTimeout: 10_000 });
    await admin.start();
    candidates = [];
    for (const n of ['a', 'b', 'c']) candidates.push(await new Candidate(n, log, onLeader).start());
  }, 30_000);

  afterAll(async () => {
    await Promise.all(candidates.map((c) => c.close()));
    await admin.close();
  });

  afterEach(() => checkIntervals());

  /** At most one leader at any instant: sorted by start, every interval ends before the next starts. */
  function checkIntervals(): void {
    const sorted = log.toSorted((x, y) => x.start - y.start);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      expect(prev.end, `${prev.who} still leading when ${sorted[i]!.who} started`).toBeDefined();
      expect(prev.end!, `${prev.who} and ${sorted[i]!.who} overlap`).toBeLessThanOrEqual(sorted[i]!.start);
    }
  }

  const current = () => log.filter((iv) => iv.end === undefined);

  async function leader(): Promise<Candidate> {
    await expect.poll(() => current().length, { timeout: 15_000 }).toBe(1);
    return candidates.find((c) => c.name === current()[0]!.who)!;
  }

  /** After a fault: exactly one leader, and exactly one node per participant, each owned by its current session. */
  async function settle(): Promise<void> {
    await Promise.all(candidates.map((c) => c.zk.waitForState(ConnectionState.CONNECTED, { timeout: 20_000 })));
    await expect
      .poll(
        async () => {
          await admin.sync(PATH);
          const names = await admin.getChildren(PATH);
          const owners = await Promise.all(names.map((n) => admin.exists(`${PATH}/${n}`).then((s) => s?.ephemeralOwner)));
          return owners.toSorted().join(',') === candidates.map((c) => c.zk.sessionId).toSorted().join(',');
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await leader();
  }

  /** Runs `fault` against the current leader; returns the new leader and the fail-over ms. */
  async function failover(kind: string, fault: (old: Candidate) => Promise<void>): Promise<Candidate> {
    const old = await leader();
    const oldInterval = current()[0]!;
    const next = new Promise<void>((resolve) => leaderWaiters.push(resolve));
    const t0 = performance.now();
    await fault(old);
    await next;
    const fresh = log.at(-1)!;
    expect(fresh.who).not.toBe(old.name);
    expect(oldInterval.end).toBeDefined();
    expect(oldInterval.end!).toBeLessThanOrEqual(fresh.start); // the old leader's signal aborted first
    console.log(`${kind}: fail-over ${(fresh.start - t0).toFixed(0)} ms; old leader aborted ${(fresh.start - oldInterval.end!).toFixed(0)} ms before the new one started`);
    return candidates.find((c) => c.name === fresh.who)!;
  }

  it("the leader's member is killed (scenario 14, F1)", async () => {
    await settle();
    let killed = -1;
    await failover('member killed', async (old) => {
      killed = old.member();
      await ensemble.servers[killed]!.kill();
    });
    await ensemble.servers[killed]!.restart();
    await ensemble.waitForQuorum();
    await settle();
  }, 60_000);

  it('the leader is black-holed until the server expires its session (scenario 14, F3)', async () => {
    await settle();
    let victim: Candidate | undefined;
    const sessionBefore = new Map(candidates.map((c) => [c.name, c.zk.sessionId]));
    await failover('black-holed', async (old) => {
      victim = old;
      for (const p of old.proxies) p.blackhole();
    });
    for (const p of victim!.proxies) p.heal();
    await victim!.zk.waitForState(ConnectionState.CONNECTED, { timeout: 20_000 });
    expect(victim!.zk.sessionId).not.toBe(sessionBefore.get(victim!.name)); // it was expired
    await settle();
  }, 60_000);

  it('the leader closes its client (scenario 14); a replacement joins', async () => {
    await settle();
    let closed: Candidate | undefined;
    await failover('closed', async (old) => {
      closed = old;
      await old.close();
    });
    candidates.splice(candidates.indexOf(closed!), 1, await new Candidate(`${closed!.name}2`, log, onLeader).start());
    await settle();
  }, 60_000);

  it('a quorum outage longer than the session timeout (scenario 15): local LOST, old sessions closed, one node per participant, never two leaders', async () => {
    await settle();
    const old = await leader();
    const oldSessions = candidates.map((c) => c.zk.sessionId);
    const lost = candidates.map((c) => c.zk.waitForState(ConnectionState.LOST, { timeout: 20_000 }));
    const ensembleLeader = await ensemble.leader();
    const down = [ensembleLeader, (ensembleLeader + 1) % 3];
    await Promise.all(down.map((i) => ensemble.servers[i]!.kill()));
    await Promise.all(lost); // each client declares LOST by its own timer
    expect(current()).toHaveLength(0); // nobody believes it leads
    expect(log.filter((iv) => iv.who === old.name).at(-1)!.end).toBeDefined();
    const t0 = performance.now();
    await Promise.all(down.map((i) => ensemble.servers[i]!.restart()));
    await ensemble.waitForQuorum();
    await settle();
    for (const c of candidates) expect(oldSessions).not.toContain(c.zk.sessionId);
    console.log(`quorum outage: single leader and one node per participant ${(performance.now() - t0).toFixed(0)} ms after the restart began`);
  }, 90_000);
});
