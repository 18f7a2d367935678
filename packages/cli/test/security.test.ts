// --tls-* and --sasl-* against a real server with a TLS port (client certificates required)
// and SASL DIGEST-MD5 enforced.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateTlsMaterial, startServer, type ZooKeeperServer } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/index.ts';
import { lines, zk } from './helpers.ts';

const PASSWORD = 'through-the-looking-glass';
let server: ZooKeeperServer;
let files: Record<'ca' | 'cert' | 'key' | 'password' | 'wrong' | 'otherCa', string>;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zk-cli-sec-'));
  const [s, other] = await Promise.all([
    startServer({ tls: { clientAuth: 'need' }, sasl: { users: { alice: PASSWORD } } }),
    generateTlsMaterial(mkdtempSync(path.join(tmpdir(), 'zk-cli-ca-')), { caName: 'not-the-servers-ca' }),
  ]);
  server = s;
  const write = (name: string, text: string) => (writeFileSync(path.join(dir, name), text), path.join(dir, name));
  files = {
    ca: write('ca.pem', s.tls!.ca), cert: write('cert.pem', s.tls!.clientCert), key: write('key.pem', s.tls!.clientKey),
    password: write('password', `${PASSWORD}\n`), wrong: write('wrong', 'not-it\n'), otherCa: write('other-ca.pem', other.ca),
  };
}, 90_000);

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

const tlsArgs = () => ['--server', server.tls!.connectString, '--timeout', '3000', '--tls', '--tls-ca', files.ca, '--tls-cert', files.cert, '--tls-key', files.key];

describe('TLS and SASL', () => {
  it('connects with a client certificate and SASL DIGEST-MD5; whoami shows both identities; the password is never printed', async () => {
    const r = await zk([...tlsArgs(), '--json', '--sasl-user', 'alice', '--sasl-password-file', files.password, '-c', 'create /secure x; whoami']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toContainEqual({ scheme: 'sasl', user: 'alice' });
    expect(lines(r.stdout)).toContainEqual({ scheme: 'x509', user: server.tls!.clientDn });
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('a wrong SASL password, a missing client certificate or an untrusted server are connection failures (exit 4), one line each', async () => {
    const wrong = await zk([...tlsArgs(), '--sasl-user', 'alice', '--sasl-password-file', files.wrong, 'ls', '/']);
    expect(wrong.code).toBe(ExitCode.CONNECTION);
    expect(wrong.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(wrong.stderr).not.toContain('not-it');
    const noCert = await zk(['--server', server.tls!.connectString, '--timeout', '1500', '--tls-ca', files.ca, '--sasl-user', 'alice', '--sasl-password-file', files.password, 'ls', '/']);
    expect(noCert.code).toBe(ExitCode.CONNECTION);
    expect(noCert.stderr.trimEnd().split('\n')).toHaveLength(1);
    const untrusted = await zk(['--server', server.tls!.connectString, '--timeout', '1500', '--tls-ca', files.otherCa, 'ls', '/']);
    expect(untrusted.code).toBe(ExitCode.CONNECTION);
    expect(untrusted.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
