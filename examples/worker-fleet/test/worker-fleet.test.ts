import { describe, expect, inject, it } from 'vitest';
// The example is plain ESM JavaScript (no type declarations); vitest does not type-check.
import { formatSummary, runFleet } from '../src/index.mjs';

describe('worker-fleet example', () => {
  it('does every job exactly once although one worker is killed mid-job', async () => {
    const events: Array<{ type: string }> = [];
    const summary = await runFleet({
      connectString: inject('zkConnect'),
      workers: 3,
      jobs: 8,
      kill: true,
      sessionTimeout: 2_000,
      workMs: [100, 250],
      timeout: 45_000,
      onEvent: (e: { type: string }) => events.push(e),
    });
    expect(summary.problems).toEqual([]);
    expect(summary.exactlyOnce).toBe(true);
    expect(summary).toMatchObject({ jobs: 8, results: 8, commits: 8, counter: 8, timedOut: false });
    // The killed worker's job was claimed twice, committed once, by another worker with a larger token.
    expect(summary.killed).toBeDefined();
    expect(summary.killed.finishedBy).not.toBe(summary.killed.worker);
    expect(BigInt(summary.killed.finalToken)).toBeGreaterThan(BigInt(summary.killed.token));
    expect(summary.retried).toContain(summary.killed.job);
    expect(events.filter((e) => e.type === 'killed')).toHaveLength(1);
    expect(formatSummary(summary).at(-1)).toMatch(/every job was done exactly once \(8\/8\)/);
  }, 60_000);
});
