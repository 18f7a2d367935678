// Which sessions own which ephemeral nodes, read from the servers' `dump` four-letter word
// (for tests that check an expired or closed session left nothing behind).

/** A server that answers four-letter words (`@zookit/testing`'s ensemble members do). */
interface DumpSource {
  fourLetterWord(word: string, timeoutMs?: number): Promise<string>;
}

/**
 * Ephemeral paths per session id (`0x…`, lower-case hex) listed by `dump` on each of
 * `servers`; sessions with no ephemeral are left out, and a server that does not answer
 * within `timeoutMs` adds nothing.
 */
export async function ephemeralsBySession(servers: Iterable<DumpSource>, timeoutMs = 5_000): Promise<Map<string, Set<string>>> {
  const owners = new Map<string, Set<string>>();
  for (const server of servers) {
    const dump = await server.fourLetterWord('dump', timeoutMs).catch(() => '');
    let current: string | undefined;
    for (const line of dump.split('\n')) {
      const s = /^\s*(0x[0-9a-f]+):?\s*$/i.exec(line);
      if (s) {
        current = `0x${BigInt(s[1]!).toString(16)}`;
        if (!owners.has(current)) owners.set(current, new Set());
      } else if (current && /^\s+\//.test(line)) owners.get(current)!.add(line.trim());
      else if (!/^\s/.test(line)) current = undefined;
    }
  }
  for (const [session, paths] of owners) if (paths.size === 0) owners.delete(session);
  return owners;
}
