import { InvalidArgumentError } from './errors.js';

// Characters ZooKeeper's PathUtils refuses (besides NUL).
const BAD_CHARS = /[\u0001-\u001f\u007f-\u009f\ud800-\uf8ff\ufff0-\uffff]/;

/**
 * Checks a node path the way the server does; throws InvalidArgumentError.
 * `sequential` allows a trailing `/` (the server appends the sequence number).
 */
export function validatePath(path: unknown, sequential = false, argument = 'path'): asserts path is string {
  if (typeof path !== 'string') throw new InvalidArgumentError(argument, 'must be a string');
  if (path.length === 0) throw new InvalidArgumentError(argument, 'must not be empty');
  if (path[0] !== '/') throw new InvalidArgumentError(argument, `"${path}" must start with "/"`);
  if (path.length === 1) {
    if (sequential) return;
    return;
  }
  if (path.endsWith('/') && !sequential) throw new InvalidArgumentError(argument, `"${path}" must not end with "/"`);
  if (path.includes('\u0000')) throw new InvalidArgumentError(argument, 'must not contain NUL');
  if (BAD_CHARS.test(path)) throw new InvalidArgumentError(argument, 'contains a character ZooKeeper refuses');
  const parts = path.split('/');
  const last = sequential && path.endsWith('/') ? parts.length - 1 : parts.length;
  for (let i = 1; i < last; i++) {
    const p = parts[i];
    if (p === '') throw new InvalidArgumentError(argument, `"${path}" has an empty segment`);
    // The server checks a sequential name after appending the counter: `..0000000001` is fine.
    if ((p === '.' || p === '..') && !(sequential && i === parts.length - 1)) {
      throw new InvalidArgumentError(argument, `"${path}" has a relative segment "${p}"`);
    }
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
