/** The fleet's summary as printable lines. */
export function formatSummary(s) {
  const lines = [
    `jobs: ${s.jobs}   results: ${s.results}   commits: ${s.commits}   counter: ${s.counter}   workers: ${s.workers}`,
    `jobs per worker: ${Object.entries(s.byWorker).sort().map(([w, n]) => `${w}=${n}`).join(' ')}`,
  ];
  if (s.killed) {
    lines.push(
      `killed ${s.killed.worker} (pid ${s.killed.pid}) mid-job on ${s.killed.job} with fencing token ${s.killed.token}; ` +
        `${s.killed.finishedBy ?? 'nobody'} finished it with token ${s.killed.finalToken ?? '-'}`,
    );
  }
  if (s.retried.length) lines.push(`jobs claimed more than once (and committed once): ${s.retried.join(', ')}`);
  for (const p of s.problems) lines.push(`PROBLEM: ${p}`);
  lines.push(
    s.exactlyOnce
      ? `✔ every job was done exactly once (${s.jobs}/${s.jobs}) in ${(s.elapsedMs / 1000).toFixed(1)} s`
      : `✘ NOT every job was done exactly once (${s.problems.length} problems)`,
  );
  return lines;
}
