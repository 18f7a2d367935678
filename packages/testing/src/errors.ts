/**
 * Typed errors thrown by `@zookit/testing`. Every error carries a stable `code`
 * so tests can branch on it without string matching.
 */

/** Base class of every error thrown by `@zookit/testing`. */
export class ZooKitTestingError extends Error {
  /** Stable machine-readable error code. */
  readonly code: string;

  /**
   * @param code - stable machine-readable code
   * @param message - human-readable explanation
   * @param options - standard `cause` option
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * No way to obtain a ZooKeeper server was found: no `ZOOKEEPER_CONNECT`, no local
 * installation (Debian `/usr/share/java/zookeeper.jar` or `ZOOKEEPER_HOME`), no `java`
 * binary, and no Docker engine for testcontainers.
 */
export class ZooKeeperNotFoundError extends ZooKitTestingError {
  /** @param detail - what exactly was missing */
  constructor(detail: string) {
    super(
      'ZOOKEEPER_NOT_FOUND',
      `No ZooKeeper server available: ${detail}. ` +
        'Install one with `apt-get install -y zookeeper` (Debian/Ubuntu), or set ZOOKEEPER_HOME ' +
        'to an unpacked Apache ZooKeeper binary release, or set ZOOKEEPER_CONNECT to an existing ' +
        'ensemble (host:port[,host:port...]), or run `npm run setup` at the repository root.',
    );
  }
}

/**
 * The server was not started by this process (for example it came from
 * `ZOOKEEPER_CONNECT`), so it cannot be stopped, killed, paused or restarted.
 */
export class ServerControlUnavailableError extends ZooKitTestingError {
  /**
   * @param operation - the control method that was called
   * @param source - where the server came from
   */
  constructor(operation: string, source: string) {
    super(
      'SERVER_CONTROL_UNAVAILABLE',
      `Cannot ${operation}() a ZooKeeper server from source "${source}": it is not controlled by this process.`,
    );
  }
}

/** A server process did not become ready in time, or exited while starting. */
export class ServerStartError extends ZooKitTestingError {
  /** The last lines of the server's log file, for diagnosis. */
  readonly logTail: string;

  /**
   * @param message - what went wrong
   * @param logTail - tail of the server log
   * @param code - specific code (defaults to `SERVER_START_FAILED`)
   */
  constructor(message: string, logTail: string, code = 'SERVER_START_FAILED') {
    super(code, `${message}\n--- server log (tail) ---\n${logTail}\n--- end of log ---`);
    this.logTail = logTail;
  }
}

/** A four-letter-word command failed: connection refused, reset or timed out. */
export class FourLetterWordError extends ZooKitTestingError {
  /**
   * @param code - `FOUR_LETTER_WORD_TIMEOUT` or `FOUR_LETTER_WORD_FAILED`
   * @param message - human-readable explanation
   * @param options - standard `cause` option
   */
  constructor(code: 'FOUR_LETTER_WORD_TIMEOUT' | 'FOUR_LETTER_WORD_FAILED', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Expiring a session through a twin connection failed (timeout, refused, bad reply). */
export class SessionExpiryError extends ZooKitTestingError {
  /**
   * @param message - human-readable explanation (never contains the session password)
   * @param options - standard `cause` option
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('SESSION_EXPIRY_FAILED', message, options);
  }
}
