/** How contender nodes are named: Curator's protected names (default) or kazoo's. */
export type Naming = 'curator' | 'kazoo';

/** What a contender node is, by its name pattern. */
export type ContenderKind = 'exclusive' | 'read';

/** Known name patterns, each directly followed by the server's sequence number. */
const PATTERN = /(__rlock__|__lock__|__READ__|__WRIT__|latch-|lock-)(-?\d+)$/;

/** A child of a recipe path recognised as a contender. */
export interface ParsedChild {
  /** Node name (no path). */
  name: string;
  /** The sequence number the server appended (signed 32-bit). */
  seq: number;
  /** `read` for read-lock nodes (`__rlock__`, `__READ__`), else `exclusive`. */
  kind: ContenderKind;
}

/** Parse one child name; `undefined` for names no recipe writes. */
export function parseChild(name: string): ParsedChild | undefined {
  const m = PATTERN.exec(name);
  if (!m) return undefined;
  const seq = Number(m[2]);
  if (!Number.isInteger(seq) || seq < -2147483648 || seq > 2147483647) return undefined;
  const marker = m[1]!;
  return { name, seq, kind: marker === '__rlock__' || marker === '__READ__' ? 'read' : 'exclusive' };
}

/** Wrap-aware comparison of two 32-bit sequence numbers (serial-number arithmetic). */
export function compareSeq(a: number, b: number): number {
  return (a - b) | 0;
}

/** The recognised children in queue order (unrelated names are ignored). */
export function sortContenders(children: readonly string[]): ParsedChild[] {
  const parsed: ParsedChild[] = [];
  for (const c of children) {
    const p = parseChild(c);
    if (p) parsed.push(p);
  }
  return parsed.sort((a, b) => compareSeq(a.seq, b.seq) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
