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

/** JVM arguments used for every server (before `jvmFlags`). */
export function baseJvmArgs(options: ServerConfigOptions): string[] {
  const args = ['-Xmx256m'];
  // Faster start and smaller footprint for short-lived test servers.
  if (options.jvmFastStart ?? true) args.push('-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1');
  args.push(
    '-Dfile.encoding=UTF-8',
    '-Djava.net.preferIPv4Stack=true',
    '-Dzookeeper.admin.enableServer=false',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
  );
  if (options.extendedTypesEnabled) args.push('-Dzookeeper.extendedTypesEnabled=true');
  if (options.readOnly) args.push('-Dreadonlymode.enabled=true');
  args.push(...(options.jvmFlags ?? []));
  return args;
}

/** Validate numeric options early with a clear message. */
export function validateOptions(options: ServerConfigOptions): void {
  const tick = options.tickTime ?? 200;
  const min = options.minSessionTimeout ?? 400;
  const max = options.maxSessionTimeout ?? 60000;
  for (const [name, v] of [['tickTime', tick], ['minSessionTimeout', min], ['maxSessionTimeout', max]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  if (min > max) throw new RangeError(`minSessionTimeout (${min}) > maxSessionTimeout (${max})`);
  for (const line of options.extraConfig ?? []) {
    if (/[\r\n]/.test(line)) throw new RangeError(`extraConfig lines must not contain newlines: ${JSON.stringify(line)}`);
  }
}

/** The `zoo.cfg` lines common to standalone servers and ensemble members. */
export function baseConfigLines(options: ServerConfigOptions, dataDir: string, clientPort: number): string[] {
  const lines = [
    `tickTime=${options.tickTime ?? 200}`,
    `dataDir=${dataDir}`,
    `clientPort=${clientPort}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    `4lw.commands.whitelist=${options.fourLetterWords ?? DEFAULT_FOUR_LETTER_WORDS}`,
    `minSessionTimeout=${options.minSessionTimeout ?? 400}`,
    `maxSessionTimeout=${options.maxSessionTimeout ?? 60000}`,
  ];
  if (!options.forceSync) lines.push('forceSync=no');
  return lines;
}
