/**
 * `@zookit/cli`: `zk`, the ZooKeeper shell and command line. The binary is `zk`;
 * `main()` runs it in-process (for tests and embedding).
 * @packageDocumentation
 */
export { main, VERSION } from './main.js';
export { runLine } from './run-line.js';
export type { Io } from './io.js';
export { ExitCode, UsageError, CliError, InterruptedError } from './errors.js';
export type { Writer } from './output.js';
