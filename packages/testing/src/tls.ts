import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ZooKitTestingError } from './errors.js';

const run = promisify(execFile);

/** Options for {@link generateTlsMaterial}. */
export interface TlsMaterialOptions {
  /** Subject alternative names of the server certificate (default `['IP:127.0.0.1', 'DNS:localhost']`). */
  serverSubjectAltNames?: readonly string[];
  /** Common name of the CA (default `zk-test-ca`). */
  caName?: string;
  /** Common name of the client certificate (default `zk-client`). */
  clientName?: string;
  /** Validity in days (default 2). */
  days?: number;
}

/**
 * Throw-away certificates for a TLS test server, all PEM. Private keys are unencrypted
 * PKCS#8 (`clientKey`), plus the same client key encrypted with `clientKeyPassphrase`.
 */
export interface TlsMaterial {
  /** Directory holding the files. */
  dir: string;
  /** The CA certificate (trust anchor for clients and for the server's client-cert check). */
  ca: string;
  /** File of {@link ca}. */
  caFile: string;
  /** The server certificate. */
  serverCert: string;
  /** The server's key followed by its certificate chain: the server's `ssl.keyStore` (type PEM). */
  serverKeyStoreFile: string;
  /** A client certificate signed by the CA (subject `CN=<clientName>`, EKU clientAuth). */
  clientCert: string;
  /** The client's private key, unencrypted PKCS#8 PEM. */
  clientKey: string;
  /** The client's private key, encrypted PKCS#8 PEM (use with `passphrase: clientKeyPassphrase`). */
  clientKeyEncrypted: string;
  /** Passphrase of {@link clientKeyEncrypted}. */
  clientKeyPassphrase: string;
  /** The client certificate's subject as ZooKeeper's `x509` provider names it (e.g. `CN=zk-client`). */
  clientDn: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: 30_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string; code?: string };
    if (e.code === 'ENOENT') throw new ZooKitTestingError('OPENSSL_NOT_FOUND', 'TLS test certificates need the `openssl` command (apt-get install openssl)', { cause: err });
    throw new ZooKitTestingError('TLS_MATERIAL_FAILED', `openssl ${args[0]} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

function checkName(value: string, what: string): string {
  if (!/^[A-Za-z0-9 ._-]+$/.test(value)) throw new RangeError(`${what} must match [A-Za-z0-9 ._-]+, got ${JSON.stringify(value)}`);
  return value;
}

/** The certificate extensions of the server (its subject alternative names) and of the client. */
async function writeExtensions(dir: string, sans: readonly string[]): Promise<void> {
  await writeFile(path.join(dir, 'server.ext'), [
    sans.length > 0 ? `subjectAltName=${sans.join(',')}` : '',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
    '',
  ].join('\n'));
  await writeFile(path.join(dir, 'client.ext'), 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
}

/**
 * Generate a throw-away CA, a server certificate (SAN `IP:127.0.0.1`, `DNS:localhost` by
 * default) and a client certificate into `dir`, with the `openssl` command (EC P-256 keys:
 * fast to make, accepted by Java and Node). Nothing is read from or written outside `dir`.
 *
 * @throws {@link ZooKitTestingError} `OPENSSL_NOT_FOUND` / `TLS_MATERIAL_FAILED`
 */
export async function generateTlsMaterial(dir: string, options: TlsMaterialOptions = {}): Promise<TlsMaterial> {
  const days = String(options.days ?? 2);
  const caName = checkName(options.caName ?? 'zk-test-ca', 'caName');
  const clientName = checkName(options.clientName ?? 'zk-client', 'clientName');
  const sans = options.serverSubjectAltNames ?? ['IP:127.0.0.1', 'DNS:localhost'];
  for (const san of sans) if (!/^(IP|DNS):[A-Za-z0-9.:*-]+$/.test(san)) throw new RangeError(`bad subject alternative name ${JSON.stringify(san)}`);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const serial = (): string => `0x${randomBytes(8).toString('hex')}`;

  await openssl(['req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', days, '-subj', `/CN=${caName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);

  await writeExtensions(dir, sans);

  await Promise.all([
    openssl(['req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir),
    openssl(['req', ...key, '-keyout', 'client.key', '-out', 'client.csr', '-subj', `/CN=${clientName}`], dir),
  ]);
  await Promise.all([
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial(), '-days', days, '-extfile', 'server.ext', '-out', 'server.pem'], dir),
    openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial(), '-days', days, '-extfile', 'client.ext', '-out', 'client.pem'], dir),
  ]);
  const passphrase = randomBytes(12).toString('base64url');
  await Promise.all([
    openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'server.key', '-out', 'server.pk8'], dir),
    openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'client.key', '-out', 'client.pk8'], dir),
    openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client.key', '-out', 'client.enc.pk8', '-passout', `pass:${passphrase}`], dir),
  ]);

  const read = (f: string): Promise<string> => readFile(path.join(dir, f), 'utf8');
  const [ca, serverCert, serverKey, clientCert, clientKey, clientKeyEncrypted] = await Promise.all(
    ['ca.pem', 'server.pem', 'server.pk8', 'client.pem', 'client.pk8', 'client.enc.pk8'].map(read),
  );
  const serverKeyStoreFile = path.join(dir, 'server-keystore.pem');
  await writeFile(serverKeyStoreFile, `${serverKey!.trim()}\n${serverCert!.trim()}\n${ca!.trim()}\n`, { mode: 0o600 });
  return {
    dir,
    ca: ca!,
    caFile: path.join(dir, 'ca.pem'),
    serverCert: serverCert!,
    serverKeyStoreFile,
    clientCert: clientCert!,
    clientKey: clientKey!,
    clientKeyEncrypted: clientKeyEncrypted!,
    clientKeyPassphrase: passphrase,
    clientDn: `CN=${clientName}`,
  };
}
