#!/usr/bin/env node
import { main } from './main.js';

// Ctrl-C in a script cancels the running command (a `watch`, a long `find`): the session is
// closed cleanly and the exit code is 130. A second Ctrl-C leaves at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});
// A reader that went away (`zk tree / | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
// Never a stack trace: anything unexpected is one line and exit code 5.
process.on('uncaughtException', (err) => {
  process.stderr.write(`zk: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(5);
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: interrupt.signal,
});
