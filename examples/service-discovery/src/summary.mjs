/** The scenario's summary as printable lines. */
export function formatSummary(s) {
  const lines = [
    `requests through the gateway: ${s.requests} (${Object.entries(s.byBackend).sort().map(([b, n]) => `${b} ${n}`).join(', ')})`,
    `killed: ${s.victim.name} (SIGKILL; session timeout ${s.sessionTimeout} ms)`,
    `attempts that hit it after the kill: ${s.routedToVictimAfterKill}, each retried on another backend` +
      (s.lastRoutedToVictimMs === null ? '' : ` (the last ${s.lastRoutedToVictimMs} ms after the kill)`),
    `requests retried: ${s.retried}, failed: ${s.failed}`,
  ];
  for (const p of s.problems) lines.push(`PROBLEM: ${p}`);
  lines.push(
    s.ok
      ? `✔ ${s.victim.name} left the registry ${s.removalMs} ms after its SIGKILL; no request lost`
      : `✘ the gateway did not ride out the loss of ${s.victim.name} cleanly`,
  );
  return lines;
}
