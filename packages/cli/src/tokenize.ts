import { parse } from 'shell-quote';
import { UsageError } from './errors.js';

/**
 * Splits a script line into commands and each command into words, with shell quoting
 * (`'…'`, `"…"`, `\`) by `shell-quote`. Commands are separated by `;` (or newlines);
 * `$VAR` is left as written; `#` starts a comment. Other shell operators are taken
 * literally (there are no pipes or redirections in `zk`).
 */
export function splitCommands(text: string): string[][] {
  const commands: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    let current: string[] = [];
    for (const entry of parse(line, (key) => `$${key}`)) {
      if (typeof entry === 'string') current.push(entry);
      else if ('comment' in entry) break;
      else if ('op' in entry && entry.op === ';') {
        if (current.length > 0) commands.push(current);
        current = [];
      } else if ('op' in entry && entry.op === 'glob') current.push(entry.pattern);
      else if ('op' in entry) throw new UsageError(`unexpected "${entry.op}" (quote it: '${entry.op}')`);
    }
    if (current.length > 0) commands.push(current);
  }
  return commands;
}
