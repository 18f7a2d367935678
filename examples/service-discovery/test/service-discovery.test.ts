import { describe, expect, inject, it } from 'vitest';
// The example is plain ESM JavaScript (no type declarations); vitest does not type-check.
import { formatSummary, runServiceDiscovery } from '../src/index.mjs';

describe('service-discovery example', () => {
  it('routes around a SIGKILLed backend: no request lost, the registry drops it within the session timeout', async () => {
    const summary = await runServiceDiscovery({ connectString: inject('zkConnect'), backends: 3, sessionTimeout: 2_000, timeout: 20_000 });
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.failed).toBe(0);
    // Every backend served before the kill; the two survivors carried the rest.
    expect(Object.keys(summary.byBackend).sort()).toEqual(['backend-1', 'backend-2', 'backend-3']);
    // The gateway stopped routing to it within the session timeout (two noted errors leave it
    // out at once), and never after the registry dropped it.
    expect(summary.routedToVictimAfterRemoval).toBe(0);
    expect(summary.lastRoutedToVictimMs ?? 0).toBeLessThan(2_000);
    // Removal waits for the server to expire the session: 2 s after the backend's last ping
    // (pings go every third of the timeout), rounded up to the server's 200 ms tick.
    expect(summary.removalMs).toBeGreaterThan(500);
    expect(summary.removalMs).toBeLessThan(2_000 + 1_000);
    expect(formatSummary(summary).at(-1)).toMatch(/left the registry \d+ ms after its SIGKILL; no request lost/);
  }, 60_000);
});
