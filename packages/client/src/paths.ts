import { InvalidArgumentError } from './errors.js';

/** Whether ZooKeeper's PathUtils refuses this UTF-16 code unit (besides NUL): controls, surrogates, private use, specials. */
function refused(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0;
}

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Checks a node path the way the server does; throws InvalidArgumentError.
 * `sequential` allows a trailing `/` (the server appends the sequence number).
 * One pass over the characters, one over the segments; nothing is allocated (it runs for every request).
 */
export function validatePath(path: unknown, sequential = false, argument = 'path'): asserts path is string {
  if (typeof path !== 'string') throw new InvalidArgumentError(argument, 'must be a string');
  const n = path.length;
  if (n === 0) throw new InvalidArgumentError(argument, 'must not be empty');
  if (path.charCodeAt(0) !== SLASH) throw new InvalidArgumentError(argument, `"${path}" must start with "/"`);
  if (n === 1) return;
  if (path.charCodeAt(n - 1) === SLASH && !sequential) throw new InvalidArgumentError(argument, `"${path}" must not end with "/"`);
  let nul = false;
  let bad = false;
  for (let i = 1; i < n; i++) {
    const c = path.charCodeAt(i);
    if (c === 0) nul = true;
    else if (refused(c)) bad = true;
  }
  if (nul) throw new InvalidArgumentError(argument, 'must not contain NUL');
  if (bad) throw new InvalidArgumentError(argument, 'contains a character ZooKeeper refuses');
  let start = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && path.charCodeAt(i) !== SLASH) continue;
    const len = i - start;
    const last = i === n;
    // A sequential path may end in "/": its last, empty segment is the server's counter.
    if (len === 0 && !(last && sequential)) throw new InvalidArgumentError(argument, `"${path}" has an empty segment`);
    // The server checks a sequential name after appending the counter: `..0000000001` is fine.
    const dots = (len === 1 || len === 2) && path.charCodeAt(start) === DOT && path.charCodeAt(i - 1) === DOT;
    if (dots && !(sequential && last)) throw new InvalidArgumentError(argument, `"${path}" has a relative segment "${path.slice(start, i)}"`);
    start = i + 1;
  }
}

/** The parent of a path (`/a/b` → `/a`, `/a` → `/`). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The last segment of a path. */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins path segments with `/`. */
export function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
