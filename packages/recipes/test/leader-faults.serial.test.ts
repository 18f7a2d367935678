// Scenarios 1 and 3 on a real 3-member ensemble, at the recipe level:
//   1. the ensemble leader is killed (kill -9) while H holds a Lock and W waits;
//   3. the ensemble leader is frozen (SIGSTOP) for 10 s under an Election whose leader
//      is attached to that member; each candidate is on its own member.
import { ConnectionState, ZooKeeperClient } from '@zookit/client';
import { parseMode, startEnsemble, type ZooKeeperEnsemble } from '@zookit/testing';
import { uniqueChroot } from '@zookit/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Election, Lock, sortContenders, type Lease } from '../src/index.js';
import { electionLoop, type Interval } from './helpers.js';

let ensemble: ZooKeeperEnsemble;
let chroot = '';
const clients: ZooKeeperClient[] = [];

beforeAll(async () => {
  ensemble = await startEnsemble({ size: 3 });
  chroot = uniqueChroot('lf');
  const admin = new ZooKeeperClient({ hosts: ensemble.connectString, sessionTimeout: 10_000 });
  await admin.start();
  await admin.ensurePath(chroot);
  await admin.close();
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  await ensemble?.stop();
});

async function client(hosts: string, sessionTimeout: number): Promise<ZooKeeperClient> {
  const zk = new ZooKeeperClient({ hosts: hosts + chroot, sessionTimeout, connectTimeout: 30_000 });
  zk.on('error', () => {});
  clients.push(zk);
  await zk.start();
  return zk;
}

type StateLog = { state: ConnectionState; at: number }[];
function recordStates(zk: ZooKeeperClient): StateLog {
  const log: StateLog = [];
  // An observer: told before any 'state' listener, in registration order, so one registered
  // before a lock is taken logs each state before the lease (also an observer) reacts to it.
  zk.observe({ state: (state) => log.push({ state, at: performance.now() }) });
  return log;
}

/** Time from the first SUSPENDED to the CONNECTED after it, and the number of SUSPENDED episodes. */
function suspension(log: StateLog): { ms: number; episodes: number } {
  const first = log.findIndex((s) => s.state === ConnectionState.SUSPENDED);
  const back = log.slice(first).findLast((s) => s.state === ConnectionState.CONNECTED);
  return { ms: back && first >= 0 ? back.at - log[first]!.at : NaN, episodes: log.filter((s) => s.state === ConnectionState.SUSPENDED).length };
}

/** Node name → [ephemeralOwner, czxid] of every child of `path`, after a sync. */
async function snapshot(admin: ZooKeeperClient, path: string): Promise<Record<string, string>> {
  await admin.sync(path);
  const out: Record<string, string> = {};
  for (const name of await admin.getChildren(path)) {
    const stat = await admin.exists(`${path}/${name}`);
    if (stat) out[name] = `${stat.ephemeralOwner}/${stat.czxid}`;
  }
  return out;
}

describe('scenario 1: the ensemble leader is killed while H holds a Lock and W waits', () => {
  it('H and W keep their sessions (SUSPENDED → CONNECTED); the lock node is unchanged; H (suspendedGrace: Infinity) stays held, uncertain until re-verified; W acquires once H releases', async () => {
    const PATH = '/locks/leader-kill';
    const SESSION = 6_000;
    const admin = await client(ensemble.connectString, 20_000);
    const hZk = await client(ensemble.connectString, SESSION);
    const wZk = await client(ensemble.connectString, SESSION);
    // Registered before the lease's own observer, so a state is logged before the lease reacts to it.
    const hStates = recordStates(hZk);
    const wStates = recordStates(wZk);
    const lease = await new Lock(hZk, PATH, { identifier: 'h', suspendedGrace: Infinity }).acquire();
    const uncertain: { value: boolean; at: number }[] = [];
    lease.on('uncertain', (value) => uncertain.push({ value, at: performance.now() }));
    const w = new Lock(wZk, PATH, { identifier: 'w' });
    let wLease: Lease | undefined;
    const waiting = w.acquire({ timeout: 40_000 }).then((l) => (wLease = l));
    waiting.catch(() => {});
    await expect.poll(() => w.contenders()).toEqual(['h', 'w']);
    const before = await snapshot(admin, PATH);
    expect(Object.keys(before)).toHaveLength(2);
    const sessions = [hZk.sessionId, wZk.sessionId];
    expect(hStates.length + wStates.length).toBe(0);
    const killed = await ensemble.leader();
    const t0 = performance.now();
    await ensemble.servers[killed]!.kill();
    let reelection = NaN;
    try {
      const next = await ensemble.leader(30_000);
      reelection = performance.now() - t0;
      expect(next).not.toBe(killed);
      for (const [zk, log] of [[hZk, hStates], [wZk, wStates]] as const) {
        await expect
          .poll(() => log.some((s) => s.state === ConnectionState.SUSPENDED) && zk.state === ConnectionState.CONNECTED, { timeout: 20_000 })
          .toBe(true);
        expect(log.map((s) => s.state)).not.toContain(ConnectionState.LOST);
      }
      expect([hZk.sessionId, wZk.sessionId]).toEqual(sessions);
      // H held throughout: uncertain while SUSPENDED, certain again only after re-verifying.
      await expect.poll(() => lease.uncertain, { timeout: 10_000 }).toBe(false);
      expect(lease.isHeld).toBe(true);
      expect(lease.signal.aborted).toBe(false);
      // true at each SUSPENDED episode, false only after a CONNECTED that followed it (re-verified).
      expect(uncertain.map((u) => u.value)).toEqual(Array.from({ length: uncertain.length }, (_, i) => i % 2 === 0));
      expect(uncertain.length).toBeGreaterThanOrEqual(2);
      const hSuspended = hStates.find((s) => s.state === ConnectionState.SUSPENDED)!.at;
      expect(uncertain[0]!.at).toBeGreaterThanOrEqual(hSuspended);
      for (let i = 1; i < uncertain.length; i += 2) {
        expect(hStates.some((s) => s.state === ConnectionState.CONNECTED && s.at > uncertain[i - 1]!.at && s.at <= uncertain[i]!.at)).toBe(true);
      }
      const hBack = hStates.findLast((s) => s.state === ConnectionState.CONNECTED && s.at <= uncertain.at(-1)!.at)!.at;
      expect(await lease.verify()).toBe(true);
      // Same nodes, same owners, same czxids; W still queued behind H.
      expect(await snapshot(admin, PATH)).toEqual(before);
      expect(wLease).toBeUndefined();
      expect(await w.contenders()).toEqual(['h', 'w']);
      // No deadlock (kazoo#170): W gets the lock as soon as H lets go.
      const t1 = performance.now();
      await lease.release();
      await waiting;
      const handoff = performance.now() - t1;
      expect(wLease!.path.endsWith(sortContenders(Object.keys(before))[1]!.name)).toBe(true);
      await wLease!.release();
      expect(await admin.getChildren(PATH)).toEqual([]);
      const h = suspension(hStates);
      const ws = suspension(wStates);
      console.info(
        `scenario 1: re-election ${reelection.toFixed(0)} ms; H SUSPENDED ${h.ms.toFixed(0)} ms (${h.episodes} episode(s)), W SUSPENDED ${ws.ms.toFixed(0)} ms (${ws.episodes}); ` +
          `H re-verified ${(uncertain.at(-1)!.at - hBack).toFixed(0)} ms after reconnecting; hand-off to W ${handoff.toFixed(0)} ms after release`,
      );
    } finally {
      await ensemble.servers[killed]!.restart();
      await ensemble.waitForQuorum(60_000);
    }
  }, 120_000);
});

/** An Election participant on a single member, re-entering the election after each term (like a service). */
class Candidate {
  zk!: ZooKeeperClient;
  states!: StateLog;
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  constructor(
    readonly name: string,
    readonly member: number,
    readonly log: Interval[],
    readonly onLeader: (who: string) => void,
  ) {}

  async start(path: string, sessionTimeout: number): Promise<this> {
    this.zk = await client(ensemble.servers[this.member]!.connectString, sessionTimeout);
    this.states = recordStates(this.zk);
    const election = new Election(this.zk, path, this.name);
    this.#loop = electionLoop({ zk: this.zk, election, who: this.name, log: this.log, onLeader: () => this.onLeader(this.name), stop: this.#stop.signal, reconnectTimeout: 30_000 });
    return this;
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.zk.close();
    await this.#loop;
  }
}

describe('scenario 3: the ensemble leader frozen for 10 s (stale leader)', () => {
  it('an Election with one candidate per member has at most one leader at any instant; the old leader aborts before a new one starts', async () => {
    const PATH = '/election/frozen';
    const SESSION = 5_000;
    const FREEZE = 10_000;
    await ensemble.waitForQuorum(60_000);
    const frozen = await ensemble.leader();
    const others = [0, 1, 2].filter((i) => i !== frozen);
    const log: Interval[] = [];
    const waiters: ((who: string) => void)[] = [];
    const onLeader = (who: string) => {
      for (const w of waiters.splice(0)) w(who);
    };
    const nextLeader = () => new Promise<string>((resolve) => waiters.push(resolve));
    const admin = await client(ensemble.connectString, 30_000);
    // a leads, attached to the ensemble leader; b and c are on the followers.
    const firstLeader = nextLeader();
    const a = await new Candidate('a', frozen, log, onLeader).start(PATH, SESSION);
    expect(await firstLeader).toBe('a');
    const b = await new Candidate('b', others[0]!, log, onLeader).start(PATH, SESSION);
    const c = await new Candidate('c', others[1]!, log, onLeader).start(PATH, SESSION);
    const candidates = [a, b, c];
    try {
      await expect.poll(() => new Election(admin, PATH, 'x').contenders()).toEqual(['a', 'b', 'c']);
      const oldSessionA = a.zk.sessionId;
      const sessionsBC = [b.zk.sessionId, c.zk.sessionId];
      const aInterval = log.at(-1)!;
      const replaced = nextLeader();
      const member = ensemble.servers[frozen]!;
      const t0 = performance.now();
      await member.pause();
      let newZkLeader = NaN;
      let during = false;
      try {
        const idx = await ensemble.leader(FREEZE);
        newZkLeader = performance.now() - t0;
        expect(idx).not.toBe(frozen);
        const left = FREEZE - (performance.now() - t0);
        // A new election leader normally appears during the freeze (a's session expires on
        // the new quorum); the freeze lasts FREEZE ms either way.
        during = await Promise.race([replaced.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), Math.max(0, left)))]);
        const rest = FREEZE - (performance.now() - t0);
        if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      } finally {
        await member.resume();
      }
      const resumedAt = performance.now();
      const who = await Promise.race([replaced, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no new election leader within 30 s')), 30_000))]);
      expect(who).not.toBe('a');
      const fresh = log.find((iv) => iv.start > aInterval.start)!;
      expect(fresh.who).toBe(who);
      const newLeaderAt = fresh.start;
      // The old leader's signal aborted before any new leader started.
      expect(aInterval.end).toBeDefined();
      expect(aInterval.end!).toBeLessThanOrEqual(newLeaderAt);
      // The old ensemble leader serves again, as a follower; b and c kept their sessions.
      await ensemble.waitForQuorum(60_000);
      expect(parseMode(await member.fourLetterWord('srvr'))).toBe('follower');
      await Promise.all(candidates.map((x) => x.zk.waitForState(ConnectionState.CONNECTED, { timeout: 30_000 })));
      expect([b.zk.sessionId, c.zk.sessionId]).toEqual(sessionsBC);
      for (const x of [b, c]) expect(x.states.map((s) => s.state)).not.toContain(ConnectionState.LOST);
      expect(a.zk.sessionId).not.toBe(oldSessionA); // a's session expired (or was closed by its client on return)
      // Settle: one node per participant, each owned by its current session; one leader.
      await expect
        .poll(
          async () => {
            await admin.sync(PATH);
            const names = await admin.getChildren(PATH);
            const owners = await Promise.all(names.map((n) => admin.exists(`${PATH}/${n}`).then((s) => String(s?.ephemeralOwner))));
            return owners.toSorted();
          },
          { timeout: 30_000 },
        )
        .toEqual(candidates.map((x) => String(x.zk.sessionId)).toSorted());
      await expect.poll(() => log.filter((iv) => iv.end === undefined).length, { timeout: 10_000 }).toBe(1);
      // At most one leader interval at any instant.
      const sorted = log.toSorted((x, y) => x.start - y.start);
      for (let i = 1; i < sorted.length; i++) {
        expect(sorted[i - 1]!.end, `${sorted[i - 1]!.who} still leading when ${sorted[i]!.who} started`).toBeDefined();
        expect(sorted[i - 1]!.end!).toBeLessThanOrEqual(sorted[i]!.start);
      }
      const bs = suspension(b.states);
      const cs = suspension(c.states);
      const aSusp = a.states.find((s) => s.state === ConnectionState.SUSPENDED);
      console.info(
        `scenario 3: new ensemble leader ${newZkLeader.toFixed(0)} ms after SIGSTOP; b SUSPENDED ${bs.ms.toFixed(0)} ms (${bs.episodes}), c SUSPENDED ${cs.ms.toFixed(0)} ms (${cs.episodes}); ` +
          `old election leader a: SUSPENDED ${aSusp ? (aSusp.at - t0).toFixed(0) : '?'} ms, signal aborted ${(aInterval.end! - t0).toFixed(0)} ms; ` +
          `new election leader ${who} ${(newLeaderAt - t0).toFixed(0)} ms after SIGSTOP (${during ? 'during the freeze' : `${(newLeaderAt - resumedAt).toFixed(0)} ms after SIGCONT`}); ` +
          `gap ${(newLeaderAt - aInterval.end!).toFixed(0)} ms; ${log.length} leader intervals, 0 overlaps`,
      );
    } finally {
      await Promise.all(candidates.map((x) => x.close()));
    }
  }, 120_000);
});
