/** Options shared by {@link startServer} and {@link startEnsemble}. */
export interface ServerConfigOptions {
  /** ZooKeeper `tickTime` in ms (default 200). */
  tickTime?: number;
  /** `minSessionTimeout` in ms (default 400). */
  minSessionTimeout?: number;
  /** `maxSessionTimeout` in ms (default 60000). */
  maxSessionTimeout?: number;
  /** Enable TTL and container-extended types (`-Dzookeeper.extendedTypesEnabled=true`). Default false. */
  extendedTypesEnabled?: boolean;
  /** `4lw.commands.whitelist` (default `srvr,stat,mntr,ruok,cons,dump,wchs,wchc,conf,isro,envi`). */
  fourLetterWords?: string;
  /** Extra `zoo.cfg` lines appended last (so they override defaults). */
  extraConfig?: readonly string[];
  /** Extra JVM arguments (e.g. `-Dzookeeper.foo=bar`), appended after the defaults. */
  jvmFlags?: readonly string[];
  /** Allow read-only mode (`-Dreadonlymode.enabled=true`). Default false. */
  readOnly?: boolean;
  /** fsync the transaction log (default false: `forceSync=no`, faster and safe against JVM kills). */
  forceSync?: boolean;
  /**
   * Add `-XX:+UseSerialGC -XX:TieredStopAtLevel=1` for a faster, smaller JVM (default true).
   * Set false for benchmarks: C1-only code is slower at steady state.
   */
  jvmFastStart?: boolean;
  /** Bound on waiting for readiness in ms (default 30000 standalone, 60000 ensemble). */
  startTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL in stop() (default 5000 ms). */
  stopTimeoutMs?: number;
}

/** Default 4lw whitelist. */
export const DEFAULT_FOUR_LETTER_WORDS = 'srvr,stat,mntr,ruok,cons,dump,wchs,wchc,conf,isro,envi';
