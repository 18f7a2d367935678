import {
  ClientClosedError, ConnectTimeoutError, ConnectionLossError, InvalidArgumentError, SessionExpiredError,
  TlsCertificateError, ZooKeeperError, ZooKitError, AuthFailedError,
} from '@zookit/client';

/** Exit codes of `zk`: each class of failure has its own. */
export const ExitCode = {
  /** Everything succeeded. */
  OK: 0,
  /** `diff` found differences (nothing failed). */
  DIFFERS: 1,
  /** Bad input: unknown command, wrong flag, bad path, missing server, a write under `--readonly`. */
  USAGE: 2,
  /** The server refused an operation (the message carries ZooKeeper's code name, e.g. NONODE). */
  ZOOKEEPER: 3,
  /** No connection: the server could not be reached, the session was lost, TLS or authentication failed. */
  CONNECTION: 4,
  /** Anything else (a local file could not be read, a malformed dump line). */
  FAILURE: 5,
  /** Interrupted (Ctrl-C). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad command-line input: printed as one line, exit code 2. */
export class UsageError extends ZooKitError {}

/** A local failure that is not ZooKeeper's (file I/O, malformed input file): exit code 5. */
export class CliError extends ZooKitError {}

/** The command was cancelled (Ctrl-C in the shell). */
export class InterruptedError extends ZooKitError {
  constructor() {
    super('interrupted');
  }
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof UsageError || err instanceof InvalidArgumentError) return ExitCode.USAGE;
  if (err instanceof InterruptedError) return ExitCode.INTERRUPTED;
  if (isConnectionFailure(err)) return ExitCode.CONNECTION;
  if (err instanceof ZooKeeperError) return ExitCode.ZOOKEEPER;
  return ExitCode.FAILURE;
}

function isConnectionFailure(err: unknown): boolean {
  return (
    err instanceof ConnectTimeoutError || err instanceof ConnectionLossError || err instanceof SessionExpiredError ||
    err instanceof ClientClosedError || err instanceof TlsCertificateError || err instanceof AuthFailedError
  );
}

/** One line describing `err` (no stack trace, never a secret: messages carry paths and codes only). */
export function describeError(err: unknown): string {
  if (err instanceof ZooKeeperError) return err.message;
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

/** The `{ error }` object printed in `--json` mode. */
export function errorJson(err: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { message: describeError(err), exitCode: exitCodeFor(err) };
  if (err instanceof ZooKeeperError) Object.assign(out, { code: err.codeName, op: err.op, path: err.path });
  else if (err instanceof Error) out['type'] = err.name;
  return { error: out };
}
