/** The pipeline's summary as printable lines. */
export function formatSummary(s) {
  const t0 = Math.min(...s.phases.map((p) => p.firstStart));
  const lines = s.phases.map(
    (p) => `  ${p.phase.padEnd(7)} ${String(p.workers).padStart(2)} workers   from +${p.firstStart - t0} ms to +${p.lastEnd - t0} ms`,
  );
  lines.unshift('phases (no phase starts before the previous one has ended everywhere):');
  lines.push(`sum of i² for i in 1..${s.items}: ${s.total} (expected ${s.expected})`);
  for (const p of s.problems) lines.push(`PROBLEM: ${p}`);
  lines.push(s.ok ? `✔ ${s.workers} workers went through ${s.phases.length} phases in lockstep in ${(s.elapsedMs / 1000).toFixed(1)} s` : '✘ the pipeline failed');
  return lines;
}
