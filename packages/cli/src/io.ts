import type { Writer } from './output.js';

/** The streams and environment `zk` runs with (the process's, or a test's). */
export interface Io {
  stdout: Writer & { isTTY?: boolean };
  stderr: Writer;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C (SIGINT) outside the shell: cancels the running command. */
  signal?: AbortSignal;
}
