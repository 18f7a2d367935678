/** One line per service: what its GET /status said. */
export function formatStatuses(statuses) {
  return statuses.map((s) =>
    s.error
      ? `  ${s.name.padEnd(7)} :${s.port}  unreachable: ${s.error}`
      : `  ${s.name.padEnd(7)} :${s.port}  ${s.isLeader ? 'LEADER  ' : 'follower'}  leader=${s.leader}  token=${s.fencingToken ?? '-'}  ` +
        `state=${s.connectionState}  ticks(mine/all)=${s.ticksByMe}/${s.ticksTotal}`,
  );
}

/** The scenario's summary as printable lines. */
export function formatSummary(s) {
  const lines = [
    `first leader: ${s.firstLeader.name} (fencing token ${s.firstLeader.fencingToken})`,
    `how it went down: ${s.failover}`,
    `new leader:   ${s.newLeader.name} (fencing token ${s.newLeader.fencingToken})`,
  ];
  for (const p of s.problems) lines.push(`PROBLEM: ${p}`);
  lines.push(
    s.ok && s.leaderChanged
      ? `✔ the leader changed over from ${s.firstLeader.name} to ${s.newLeader.name}: failover took ${s.failoverMs} ms`
      : `✘ the leader did not change over cleanly`,
  );
  return lines;
}
