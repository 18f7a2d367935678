import { describe, expect, inject, it } from 'vitest';
// The example is plain ESM JavaScript (no type declarations); vitest does not type-check.
import { formatSummary, runLeaderService } from '../src/index.mjs';

describe('leader-service example', () => {
  it('elects one leader among 3 HTTP services and hands over when the leader stops', async () => {
    const summary = await runLeaderService({ connectString: inject('zkConnect'), nodes: 3, failover: 'stop', timeout: 20_000 });
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.leaderChanged).toBe(true);
    // Before: every process agrees on the leader; exactly one says it leads and shows its token.
    expect(summary.before).toHaveLength(3);
    expect(new Set(summary.before.map((s: { leader: string }) => s.leader))).toEqual(new Set([summary.firstLeader.name]));
    const leading = summary.before.filter((s: { isLeader: boolean }) => s.isLeader);
    expect(leading).toHaveLength(1);
    expect(leading[0]).toMatchObject({ name: summary.firstLeader.name, fencingToken: summary.firstLeader.fencingToken, connectionState: 'CONNECTED' });
    // After: the two survivors agree on the new leader, whose token is larger.
    expect(summary.after).toHaveLength(2);
    expect(summary.after.every((s: { leader: string }) => s.leader === summary.newLeader.name)).toBe(true);
    expect(BigInt(summary.newLeader.fencingToken)).toBeGreaterThan(BigInt(summary.firstLeader.fencingToken));
    // A resigning leader hands over at once, without waiting for its session to time out.
    expect(summary.failoverMs).toBeLessThan(2_000);
    expect(formatSummary(summary).at(-1)).toMatch(/leader changed over/);
  }, 60_000);
});
