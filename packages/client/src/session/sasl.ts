import { createHash, randomBytes } from 'node:crypto';
import { ProtocolError } from '../errors.js';
import type { SaslOptions } from '../options.js';

const md5 = (...parts: Array<string | Buffer>) => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Parses `key=value,key="quoted, value"` directives (RFC 2831 §7.1). */
function parseDirectives(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ',' || text[i] === ' ')) i++;
    const eq = text.indexOf('=', i);
    if (eq === -1) break;
    const key = text.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      i++;
    } else {
      const end = text.indexOf(',', i);
      value = text.slice(i, end === -1 ? text.length : end).trim();
      i = end === -1 ? text.length : end;
    }
    out.set(key, value);
  }
  return out;
}

/**
 * The client side of a DIGEST-MD5 exchange (RFC 2831, qop=auth): an empty
 * first token, the response to the server's challenge, then the check of the
 * server's `rspauth`.
 */
export class DigestMd5Client {
  readonly #o: SaslOptions;
  #step = 0;
  #expectedRspauth = '';

  constructor(options: SaslOptions) {
    this.#o = options;
  }

  /** The first token: DIGEST-MD5 has no initial response. */
  initial(): Buffer {
    return Buffer.alloc(0);
  }

  /** The token answering `challenge`, or null when the exchange is complete. */
  next(challenge: Buffer): Buffer | null {
    if (this.#step === 0) {
      this.#step = 1;
      return this.#respond(challenge.toString('utf8'));
    }
    if (this.#step === 1) {
      this.#step = 2;
      const d = parseDirectives(challenge.toString('utf8'));
      if (d.get('rspauth') !== this.#expectedRspauth) throw new ProtocolError('SASL DIGEST-MD5: the server proved no knowledge of the password (rspauth mismatch)');
      return null;
    }
    throw new ProtocolError('SASL DIGEST-MD5: unexpected extra challenge');
  }

  #respond(challenge: string): Buffer {
    const d = parseDirectives(challenge);
    const nonce = d.get('nonce');
    if (!nonce) throw new ProtocolError('SASL DIGEST-MD5: the challenge has no nonce');
    const qops = (d.get('qop') ?? 'auth').split(',').map((q) => q.trim());
    if (!qops.includes('auth')) throw new ProtocolError(`SASL DIGEST-MD5: qop "auth" not offered (${qops.join(',')})`);
    const utf8 = d.get('charset')?.toLowerCase() === 'utf-8';
    const enc = (s: string) => Buffer.from(s, utf8 ? 'utf8' : 'latin1');
    const realm = d.get('realm') ?? '';
    const cnonce = randomBytes(24).toString('base64');
    const nc = '00000001';
    const digestUri = `${this.#o.protocol ?? 'zookeeper'}/${this.#o.serverName ?? 'zk-sasl-md5'}`;
    const { username, password, authzid } = this.#o;
    const a1 = Buffer.concat([
      md5(enc(username), ':', enc(realm), ':', enc(password)),
      Buffer.from(`:${nonce}:${cnonce}${authzid ? `:${authzid}` : ''}`, 'utf8'),
    ]);
    const ha1 = md5(a1).toString('hex');
    const kd = (a2: string) => md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${md5(a2).toString('hex')}`).toString('hex');
    const response = kd(`AUTHENTICATE:${digestUri}`);
    this.#expectedRspauth = kd(`:${digestUri}`);
    const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
    const parts = [
      `username=${quote(username)}`,
      ...(d.has('realm') ? [`realm=${quote(realm)}`] : []),
      `nonce=${quote(nonce)}`,
      `nc=${nc}`,
      `cnonce=${quote(cnonce)}`,
      `digest-uri=${quote(digestUri)}`,
      'maxbuf=65536',
      `response=${response}`,
      'qop=auth',
      ...(utf8 ? ['charset=utf-8'] : []),
      ...(authzid ? [`authzid=${quote(authzid)}`] : []),
    ];
    return Buffer.from(parts.join(','), 'utf8');
  }

  /** Never shows the password. */
  toJSON(): Record<string, string> {
    return { mechanism: 'DIGEST-MD5', username: this.#o.username };
  }
}
