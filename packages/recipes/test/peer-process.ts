// A line-driven interop peer process (a Curator or kazoo program): send a command, await
// the answer line by its prefix.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const PEERS = path.join(import.meta.dirname, 'peers');
/** The Curator 5.4 and ZooKeeper client jars the Java peers run with (Debian's libcurator-*-java). */
export const CURATOR_JARS = ['curator-client', 'curator-framework', 'curator-recipes', 'zookeeper', 'zookeeper-jute', 'slf4j-api', 'slf4j-nop', 'guava'].map(
  (j) => `/usr/share/java/${j}.jar`,
);

/** Compiles a Java peer from test/peers into a fresh directory; returns its class path. */
export function compileJavaPeer(file: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'zookit-peer-'));
  execFileSync('javac', ['-d', dir, '-cp', CURATOR_JARS.join(':'), path.join(PEERS, file)]);
  return [dir, ...CURATOR_JARS].join(':');
}

export class LinePeer {
  readonly lines: string[] = [];
  #read = 0;
  readonly #waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;
  #stderr = '';
  readonly proc: ChildProcessWithoutNullStreams;

  constructor(command: string, args: string[]) {
    this.proc = spawn(command, args);
    this.proc.stderr.on('data', (d: Buffer) => (this.#stderr += d.toString()));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      this.lines.push(line);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** The next unread line starting with `prefix` (earlier unread lines with other prefixes stay readable by `seen`). */
  async next(prefix: string, timeout = 30_000): Promise<string> {
    const deadline = performance.now() + timeout;
    for (;;) {
      const i = this.lines.findIndex((l, k) => k >= this.#read && l.startsWith(prefix));
      if (i >= 0) {
        this.#read = i + 1;
        return this.lines[i]!.slice(prefix.length).trim();
      }
      if (this.proc.exitCode !== null) throw new Error(`peer exited (${this.proc.exitCode}) before ${prefix}: ${this.#stderr.slice(-2000)}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`peer printed no ${prefix} within ${timeout} ms; lines: ${JSON.stringify(this.lines.slice(-20))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  /** Sends a command and returns the answer line's rest. */
  ask(command: string, prefix: string): Promise<string> {
    this.proc.stdin.write(`${command}\n`);
    return this.next(prefix);
  }

  /** Every line starting with `prefix` so far. */
  seen(prefix: string): string[] {
    return this.lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
  }

  /** Asks the peer to quit; kills it if it does not within 10 s. */
  async quit(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.stdin.write('quit\n');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}
