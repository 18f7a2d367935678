/**
 * Operation histories and their checkers (Jepsen-style, for recipe workloads under faults).
 *
 * A workload logs an `invoke` when it starts an operation and one completion: `ok` (done,
 * with its result), `fail` (definitely not done) or `info` (outcome unknown). Exclusive
 * holds (a lock, leadership) log `ok` on `acquire` with `{ token }` and an `end` event when
 * the holder stops believing it holds (release called, or its signal aborted).
 *
 * Times are {@link monotonicMs}: CLOCK_MONOTONIC, comparable across processes on one host,
 * so spawned clients can send their events to the test over IPC.
 */

/** Milliseconds of CLOCK_MONOTONIC (`process.hrtime`), comparable across processes on one host. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** One history event. */
export interface HistoryEvent {
  /** Who: a worker name, unique per history. */
  process: string;
  /** `invoke`, `ok`, `fail`, `info` (unknown outcome), or `end` (a hold ended). */
  type: 'invoke' | 'ok' | 'fail' | 'info' | 'end';
  /** The operation: `acquire`, `add`, `lead`, … */
  f: string;
  /** Argument or result (`{ token: '123' }` for holds; tokens are decimal strings). */
  value?: unknown;
  /** {@link monotonicMs} when it happened. */
  at: number;
}

/** An append-only history, bounded at `limit` events (default 1,000,000). */
export class OperationHistory {
  readonly events: HistoryEvent[] = [];
  constructor(readonly limit = 1_000_000) {}

  /** Append an event (stamped now unless `at` is given). */
  record(event: Omit<HistoryEvent, 'at'> & { at?: number }): void {
    if (this.events.length >= this.limit) throw new RangeError(`history over ${this.limit} events`);
    this.events.push({ ...event, at: event.at ?? monotonicMs() });
  }

  /** Log `invoke` now; the returned functions log its completion. */
  invoke(process: string, f: string, value?: unknown): { ok(v?: unknown): void; fail(v?: unknown): void; info(v?: unknown): void } {
    this.record({ process, type: 'invoke', f, value });
    return {
      ok: (v) => this.record({ process, type: 'ok', f, value: v }),
      fail: (v) => this.record({ process, type: 'fail', f, value: v }),
      info: (v) => this.record({ process, type: 'info', f, value: v }),
    };
  }

  /** Merge events recorded elsewhere (a spawned client), keeping time order. */
  merge(events: readonly HistoryEvent[]): void {
    for (const e of events) this.record(e);
    this.events.sort((a, b) => a.at - b.at);
  }
}

/** One exclusive hold reconstructed from a history. */
export interface Hold {
  process: string;
  token: bigint;
  start: number;
  /** When the holder stopped believing it holds; `Infinity` if never. */
  end: number;
}

/** Result of {@link checkExclusive}. */
export interface ExclusiveCheck {
  valid: boolean;
  holds: Hold[];
  /** Holds that overlap the next hold in fencing-token order (ms of overlap each). */
  overlaps: string[];
  /** Holds granted in an order the tokens contradict, or with a repeated token. */
  tokenOrder: string[];
  /** One line for the test output. */
  summary: string;
}

/**
 * Exclusive holds (`acquire` ok with `{ token }` … `end`, same `f`): sorted by fencing
 * token, each hold must end before the next one starts, and tokens must grow with start
 * times.
 */
export function checkExclusive(events: readonly HistoryEvent[], f = 'acquire'): ExclusiveCheck {
  const open = new Map<string, Hold>();
  const holds: Hold[] = [];
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.f !== f) continue;
    if (e.type === 'ok') {
      const token = BigInt(String((e.value as { token?: unknown } | undefined)?.token ?? '-1'));
      const hold: Hold = { process: e.process, token, start: e.at, end: Infinity };
      open.set(e.process, hold);
      holds.push(hold);
    } else if (e.type === 'end') {
      const hold = open.get(e.process);
      if (hold) hold.end = Math.min(hold.end, e.at);
      open.delete(e.process);
    }
  }
  const byToken = [...holds].sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  const overlaps: string[] = [];
  const tokenOrder: string[] = [];
  for (let i = 1; i < byToken.length; i++) {
    const prev = byToken[i - 1]!;
    const next = byToken[i]!;
    if (prev.token === next.token) tokenOrder.push(`token ${next.token} granted twice (${prev.process}, ${next.process})`);
    if (next.start < prev.start) tokenOrder.push(`${next.process} (token ${next.token}) started before ${prev.process} (token ${prev.token})`);
    if (prev.end > next.start) {
      const ms = prev.end === Infinity ? 'never ended' : `${(prev.end - next.start).toFixed(1)} ms`;
      overlaps.push(`${prev.process} (token ${prev.token}) still held when ${next.process} (token ${next.token}) acquired: ${ms}`);
    }
  }
  const valid = overlaps.length === 0 && tokenOrder.length === 0;
  const summary = `${f}: ${holds.length} holds, ${overlaps.length} overlaps, ${tokenOrder.length} token-order violations${valid ? '' : `: ${[...overlaps, ...tokenOrder].slice(0, 5).join('; ')}`}`;
  return { valid, holds, overlaps, tokenOrder, summary };
}

/** Result of {@link checkCounter}. */
export interface CounterCheck {
  valid: boolean;
  /** Sum of acknowledged increments. */
  acknowledged: number;
  /** Sum of increments with an unknown outcome. */
  unknown: number;
  /** How much of the unknown sum the final value shows applied (`final − acknowledged`). */
  resolvedApplied: number;
  /** `final < acknowledged`: acknowledged increments lost. */
  lost: number;
  /** `final > acknowledged + unknown`: increments applied twice (or never invoked). */
  doubled: number;
  summary: string;
}

/**
 * A counter of non-negative increments (`add` invoke with the delta; ok, fail or info):
 * the final value must equal the acknowledged sum plus the part of the unknown-outcome sum
 * that was applied — so lie in [acknowledged, acknowledged + unknown].
 */
export function checkCounter(events: readonly HistoryEvent[], finalValue: number, initial = 0, f = 'add'): CounterCheck {
  const pending = new Map<string, number>();
  let acknowledged = 0;
  let unknown = 0;
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.f !== f) continue;
    if (e.type === 'invoke') pending.set(e.process, Number(e.value ?? 1));
    else if (e.type === 'ok') acknowledged += pending.get(e.process) ?? 0;
    else if (e.type === 'info') unknown += pending.get(e.process) ?? 0;
    if (e.type !== 'invoke') pending.delete(e.process);
  }
  // Invocations that never completed are unknown too.
  for (const d of pending.values()) unknown += d;
  const applied = finalValue - initial;
  const lost = Math.max(0, acknowledged - applied);
  const doubled = Math.max(0, applied - acknowledged - unknown);
  const resolvedApplied = Math.min(unknown, Math.max(0, applied - acknowledged));
  const valid = lost === 0 && doubled === 0;
  const summary = `${f}: final ${finalValue} (from ${initial}), acknowledged ${acknowledged}, unknown ${unknown} of which applied ${resolvedApplied}; lost ${lost}, doubled ${doubled}`;
  return { valid, acknowledged, unknown, resolvedApplied, lost, doubled, summary };
}
