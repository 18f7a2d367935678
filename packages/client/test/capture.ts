// Captures everything a client says (logs, errors, events, inspect/JSON) and the secrets
// to look for in it. Used by the secret-hygiene tests (scenario 30).
import { inspect } from 'node:util';
import { onTestFinished } from 'vitest';
import { ZooKeeperClient, sessionCredentials, type ClientOptions } from '../src/index.js';

/** Collects everything observable from clients and the errors a test catches. */
export class Capture {
  readonly text: string[] = [];
  readonly secrets = new Map<string, string>();

  logger = {
    debug: (m: string, meta?: Record<string, unknown>) => this.log('debug', m, meta),
    info: (m: string, meta?: Record<string, unknown>) => this.log('info', m, meta),
    warn: (m: string, meta?: Record<string, unknown>) => this.log('warn', m, meta),
    error: (m: string, meta?: Record<string, unknown>) => this.log('error', m, meta),
  };

  log(level: string, message: string, meta?: Record<string, unknown>): void {
    this.text.push(`${level} ${message}`, inspect(meta, { depth: 10, showHidden: true }), json(meta));
    for (const v of Object.values(meta ?? {})) if (v instanceof Error) this.error(v);
  }

  /** An error: message, stack, inspect, JSON and its whole cause chain (bounded). */
  error(err: unknown): void {
    let e: unknown = err;
    for (let depth = 0; depth < 10 && e !== undefined && e !== null; depth++) {
      if (e instanceof Error) this.text.push(e.message, e.stack ?? '', String(e));
      this.text.push(inspect(e, { depth: 10, showHidden: true }), json(e));
      e = e instanceof Error ? e.cause : undefined;
    }
  }

  /** Watch a client: its events, and (while connected) its session password. */
  client(options: ClientOptions): ZooKeeperClient {
    const zk = new ZooKeeperClient({ sessionTimeout: 4_000, logger: this.logger, ...options });
    onTestFinished(() => this.observe(zk));
    onTestFinished(() => zk.stop().catch((e: unknown) => this.error(e)));
    zk.on('state', (...args) => {
      this.text.push(inspect(args), json(args));
      this.grabPassword(zk);
    });
    zk.on('error', (e) => this.error(e));
    return zk;
  }

  grabPassword(zk: ZooKeeperClient): void {
    let creds: ReturnType<ZooKeeperClient[typeof sessionCredentials]>;
    try {
      creds = zk[sessionCredentials]();
    } catch {
      return;
    }
    if (!creds) return;
    const pw = creds.password;
    const id = `session 0x${creds.sessionId.toString(16)}`;
    this.secret(`${id} latin1`, pw.toString('latin1'));
    this.secret(`${id} utf8`, pw.toString('utf8'));
    this.secret(`${id} hex`, pw.toString('hex'));
    this.secret(`${id} HEX`, pw.toString('hex').toUpperCase());
    this.secret(`${id} base64`, pw.toString('base64'));
    this.secret(`${id} base64url`, pw.toString('base64url'));
    this.secret(`${id} bytes`, [...pw].join(','));
    this.secret(`${id} inspect`, inspect(pw).slice('<Buffer '.length, -1));
  }

  secret(name: string, value: string): void {
    if (value.length >= 6) this.secrets.set(name, value);
  }

  observe(zk: ZooKeeperClient): void {
    this.text.push(inspect(zk), inspect(zk, { depth: 10, showHidden: true }), json(zk), String(zk));
  }

  /** Names of the secrets found anywhere in what was captured. */
  hits(): string[] {
    const hay = this.text.join('\n');
    return [...this.secrets].filter(([, v]) => hay.includes(v)).map(([k]) => k);
  }
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? '';
  } catch (e) {
    return `(not serialisable: ${String(e)})`;
  }
}

