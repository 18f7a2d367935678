import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ZooKeeperNotFoundError } from './errors.js';

/** Where the ZooKeeper jars and the `java` binary were found. */
export interface LocalInstallation {
  /** Absolute path of the `java` executable. */
  java: string;
  /** Class path for the server JVM (`:`-separated). */
  classpath: string;
  /** `debian` for `/usr/share/java`, `home` for `ZOOKEEPER_HOME`. */
  layout: 'debian' | 'home';
}

/** Debian's jar directory. */
export const DEBIAN_JAR_DIR = '/usr/share/java';

// Jars needed by the server with the default NIO connection factory.
const DEBIAN_CORE_JARS = [
  'zookeeper.jar',
  'zookeeper-jute.jar',
  'slf4j-api.jar',
  'slf4j-simple.jar',
  'metrics-core.jar',
  'commons-cli.jar',
  'snappy-java.jar',
];
// Debian's netty-all.jar is an empty aggregator: list the real Netty jars so the Netty
// connection factory (and so TLS) works. Missing ones are skipped.
const DEBIAN_NETTY_JARS = [
  'netty-all.jar',
  'netty-buffer.jar',
  'netty-codec.jar',
  'netty-common.jar',
  'netty-handler.jar',
  'netty-resolver.jar',
  'netty-transport.jar',
  'netty-transport-native-epoll.jar',
  'netty-transport-native-unix-common.jar',
];

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Find `java`: `$JAVA_HOME/bin/java`, then each `PATH` entry. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['JAVA_HOME']) {
    const candidate = path.join(env['JAVA_HOME'], 'bin', 'java');
    if (isFile(candidate)) return candidate;
  }
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'java');
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Locate a local ZooKeeper installation: `ZOOKEEPER_HOME` (an Apache binary release:
 * `lib/*.jar`, `conf/`) if set, else Debian's `/usr/share/java`.
 *
 * @returns the installation, or `undefined` if none is present
 * @throws {@link ZooKeeperNotFoundError} if jars exist but `java` does not
 */
export function findLocalInstallation(env: NodeJS.ProcessEnv = process.env): LocalInstallation | undefined {
  let classpath: string | undefined;
  let layout: LocalInstallation['layout'] = 'debian';
  const home = env['ZOOKEEPER_HOME'];
  if (home) {
    if (!existsSync(path.join(home, 'lib'))) {
      throw new ZooKeeperNotFoundError(`ZOOKEEPER_HOME=${home} has no lib/ directory`);
    }
    // Java expands "dir/*" class path entries to every jar in dir.
    classpath = [path.join(home, 'conf'), path.join(home, 'lib', '*'), path.join(home, '*')].join(path.delimiter);
    layout = 'home';
  } else if (isFile(path.join(DEBIAN_JAR_DIR, 'zookeeper.jar'))) {
    const jars = [...DEBIAN_CORE_JARS, ...DEBIAN_NETTY_JARS]
      .map((j) => path.join(DEBIAN_JAR_DIR, j))
      .filter((p) => isFile(p));
    classpath = jars.join(path.delimiter);
  }
  if (classpath === undefined) return undefined;
  const java = findJava(env);
  if (!java) throw new ZooKeeperNotFoundError('ZooKeeper jars were found but no `java` executable (set JAVA_HOME or install default-jre-headless)');
  return { java, classpath, layout };
}
