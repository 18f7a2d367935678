// The JVM arguments and zoo.cfg lines every server shares, from its options (not exported from the entry).
import { ZooKeeperNotFoundError } from './errors.js';
import { findLocalInstallation, type LocalInstallation } from './installation.js';
import { DEFAULT_FOUR_LETTER_WORDS, type ServerConfigOptions } from './server-config.js';

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

/** Checks an ensemble's options and finds the local installation its members run from (either network). */
export function ensembleSetup(options: ServerConfigOptions & { size?: number | undefined }): { size: number; install: LocalInstallation } {
  validateOptions(options);
  const size = options.size ?? 3;
  if (!Number.isInteger(size) || size < 1 || size > 9) throw new RangeError(`ensemble size must be 1..9, got ${size}`);
  const install = findLocalInstallation();
  if (!install) throw new ZooKeeperNotFoundError('an ensemble needs a local installation (no /usr/share/java/zookeeper.jar and ZOOKEEPER_HOME is unset)');
  return { size, install };
}
