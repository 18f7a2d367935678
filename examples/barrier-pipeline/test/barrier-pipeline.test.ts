import { describe, expect, inject, it } from 'vitest';
// The example is plain ESM JavaScript (no type declarations); vitest does not type-check.
import { formatSummary, runPipeline } from '../src/index.mjs';

describe('barrier-pipeline example', () => {
  it('runs 3 workers through the phases in lockstep, gated by a start barrier', async () => {
    const events: Array<{ type: string; phase?: string; worker?: string }> = [];
    const summary = await runPipeline({
      connectString: inject('zkConnect'),
      workers: 3,
      items: 100,
      workMs: [20, 200],
      timeout: 30_000,
      onEvent: (e: { type: string }) => events.push(e),
    });
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.total).toBe(338_350);
    expect(summary.phases.map((p: { phase: string }) => p.phase)).toEqual(['map', 'reduce', 'check']);
    // Nobody started before the start barrier came down.
    const go = events.findIndex((e) => e.type === 'start');
    expect(go).toBeGreaterThan(-1);
    expect(events.findIndex((e) => e.type === 'entered')).toBeGreaterThan(go);
    // Every worker entered every phase only after all had left the previous one.
    for (const [prev, next] of [['map', 'reduce'], ['reduce', 'check']]) {
      const lastLeft = events.findLastIndex((e) => e.type === 'finished' && e.phase === prev);
      const firstEntered = events.findIndex((e) => e.type === 'entered' && e.phase === next);
      expect(firstEntered).toBeGreaterThan(lastLeft);
    }
    expect(formatSummary(summary).at(-1)).toMatch(/3 workers went through 3 phases in lockstep/);
  }, 60_000);
});
