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
  for (const line of statements(text)) {
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

/** Splits at newlines outside quotes (a quoted newline is part of a word). */
function statements(text: string): string[] {
  const out: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && quote !== "'") i++;
    else if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\n') {
      out.push(text.slice(start, i).replace(/\r$/, ''));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}
