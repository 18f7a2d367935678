// The console's HTTP side without a browser: who may write (token, Origin, Host, JSON),
// nothing secret in what the page gets, export/import in the CLI's dump format, the recipe
// views decoded by the inspectors, and the ensemble from four-letter words.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { ZooKeeperClient } from '@zookit/client';
import { Election, LeaderLatch } from '@zookit/recipes';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDump } from '../src/copy.ts';
import { startServer } from '@zookit/testing';
import { startConsole, type Console } from '../src/ui/server.ts';
import { BIN, fixture, zk as zkCli } from './helpers.ts';

const f = fixture();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).reverse().map((c) => c().catch(() => {})));
});

async function consoleOn(hosts: string, options: { allowWrites?: boolean; auth?: boolean } = {}): Promise<{ web: Console; token: string }> {
  const zk = new ZooKeeperClient({ hosts, ...(options.auth ? { authData: [{ scheme: 'digest', credential: 'ops:s3cret-Pa55' }] } : {}) });
  await zk.start();
  cleanups.push(() => zk.close());
  const web = await startConsole({ zk, hosts, allowWrites: options.allowWrites === true });
  cleanups.push(() => web.close());
  const html = await (await fetch(web.url)).text();
  const token = /<meta name="zk-token" content="([^"]*)">/.exec(html)?.[1] ?? '';
  return { web, token };
}

const post = (web: Console, endpoint: string, body: unknown, headers: Record<string, string>) =>
  fetch(new URL(endpoint, web.url), { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** The status of GET / with this Host header (what a DNS-rebinding page would send; fetch cannot set Host). */
function statusWithHost(web: Console, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    http.get(web.url, { headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

/** The hello message of the event stream. */
async function hello(web: Console): Promise<string> {
  const res = await fetch(new URL('/api/events', web.url));
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: hello\ndata: ') || !text.endsWith('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  return text;
}

describe('zk ui server', () => {
  it('writes need --allow-writes, the run token, our own origin and host, and a JSON body', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/cfg', 'v1');
    const readOnly = await consoleOn(hosts);
    expect(readOnly.token).toBe('');
    expect((await post(readOnly.web, '/api/set', { path: '/cfg', data: 'x', version: 0 }, {})).status).toBe(403);
    const { web, token } = await consoleOn(hosts, { allowWrites: true });
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const body = { path: '/cfg', data: 'x', version: 0 };
    expect((await post(web, '/api/set', body, {})).status).toBe(403);
    expect((await post(web, '/api/set', body, { 'X-Zk-Token': 'wrong' })).status).toBe(403);
    expect((await post(web, '/api/set', body, { 'X-Zk-Token': token, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(web, '/api/set', body, { 'X-Zk-Token': token, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await fetch(new URL('/api/set', web.url), { method: 'POST', headers: { 'X-Zk-Token': token, 'Content-Type': 'text/plain' }, body: JSON.stringify(body) })).status).toBe(415);
    expect(await statusWithHost(web, 'rebound.example')).toBe(421);
    expect(await statusWithHost(web, `rebound.example:${new URL(web.url).port}`)).toBe(421);
    expect(await statusWithHost(web, `localhost:${new URL(web.url).port}`)).toBe(200);
    expect((await client.get('/cfg')).data.toString()).toBe('v1');
    const ok = await post(web, '/api/set', body, { 'X-Zk-Token': token, Origin: new URL(web.url).origin });
    expect(ok.status).toBe(200);
    expect((await client.get('/cfg')).data.toString()).toBe('x');
    const bad = await post(web, '/api/create', { path: 'no-slash' }, { 'X-Zk-Token': token });
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([400, expect.stringMatching(/path/)]);
  });

  it('nothing secret reaches the page: no credentials in the page, the event stream or any answer', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/x', 'y');
    const { web } = await consoleOn(hosts, { auth: true });
    const texts = [
      await (await fetch(web.url)).text(), await hello(web),
      await (await fetch(new URL('/api/node?path=/x', web.url))).text(), await (await fetch(new URL('/api/ensemble', web.url))).text(),
    ];
    for (const t of texts) expect(t).not.toMatch(/s3cret|ops:/);
    expect(texts[1]).toContain('"allowWrites":false');
  });

  it('exports a subtree in the CLI dump format and imports it elsewhere; deletes recursively', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/src/a/b', 'deep', { makePath: true });
    await client.set('/src/a', Buffer.from([0, 255]));
    const { web, token } = await consoleOn(hosts, { allowWrites: true });
    const text = await (await fetch(new URL('/api/export?path=/src', web.url))).text();
    const dump = parseDump(text, 'export');
    expect([dump.header.root, dump.records.map((r) => r.path)]).toEqual(['/src', ['/src', '/src/a', '/src/a/b']]);
    const imported = await post(web, '/api/import', { text, to: '/copy' }, { 'X-Zk-Token': token });
    expect(await imported.json()).toEqual({ root: '/copy', created: 3, updated: 0, unchanged: 0 });
    expect((await client.get('/copy/a')).data).toEqual(Buffer.from([0, 255]));
    expect((await client.get('/copy/a/b')).data.toString()).toBe('deep');
    const notEmpty = await post(web, '/api/delete', { path: '/copy' }, { 'X-Zk-Token': token });
    expect([notEmpty.status, ((await notEmpty.json()) as { error: string }).error]).toEqual([409, '/copy has children: use recursive delete']);
    expect((await post(web, '/api/delete', { path: '/copy', recursive: true }, { 'X-Zk-Token': token })).status).toBe(200);
    expect(await client.exists('/copy')).toBeNull();
  });

  it('recipe views: election leader and candidates, leader latch, discovery instances, a queue', async () => {
    const { hosts, client } = await f.chroot();
    const other = new ZooKeeperClient({ hosts });
    await other.start();
    cleanups.push(() => other.close());
    const ac = new AbortController();
    const leading = new Promise<void>((resolve) => void new Election(client, '/election', 'node-a').run(async (signal) => {
      resolve();
      await new Promise((r) => signal.addEventListener('abort', r));
    }, { signal: ac.signal }).catch(() => {}));
    cleanups.push(async () => ac.abort());
    await leading;
    const latch = new LeaderLatch(other, '/latch', 'latch-b');
    latch.start();
    cleanups.push(() => latch.close());
    await client.create('/services/api/1', JSON.stringify({ name: 'api', id: '1', address: '10.0.0.1', port: 8080, payload: { zone: 'a' }, registrationTimeUTC: 0, serviceType: 'DYNAMIC' }), { makePath: true });
    await client.create('/q/queue-0000000001', 'job-1', { makePath: true });
    const { web } = await consoleOn(hosts);
    const json = async (u: string) => (await fetch(new URL(u, web.url))).json() as Promise<Record<string, unknown>>;
    await expect.poll(async () => (await json('/api/node?path=/election'))['recipe']).toBe('election');
    const election = await json('/api/recipe?path=/election&kind=election');
    expect((election['rows'] as Array<Record<string, unknown>>).map((r) => [r['state'], r['identifier']])).toEqual([['LEADER', 'node-a']]);
    expect((await json('/api/node?path=/latch'))['recipe']).toBe('election');
    expect((await json('/api/node?path=/services'))['recipe']).toBe('services');
    const services = (await json('/api/recipe?path=/services&kind=services'))['rows'] as Array<Record<string, unknown>>;
    expect(services.map((r) => [r['name'], r['address'], r['port'], r['payload']])).toEqual([['api', '10.0.0.1', 8080, { zone: 'a' }]]);
    expect((await json('/api/node?path=/q'))['recipe']).toBe('queue');
    const queue = (await json('/api/recipe?path=/q&kind=queue'))['rows'] as Array<Record<string, unknown>>;
    expect(queue.map((r) => [r['state'], r['items']])).toEqual([['ready', ['job-1']]]);
    expect((await fetch(new URL('/api/recipe?path=/q&kind=nonsense', web.url))).status).toBe(400);
  });

  it('the ensemble view asks each member srvr and mntr', async () => {
    const { hosts } = await f.chroot();
    const { web } = await consoleOn(hosts);
    const { members } = (await (await fetch(new URL('/api/ensemble', web.url))).json()) as { members: Array<Record<string, unknown>> };
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ server: hosts.slice(0, hosts.indexOf('/')), mode: 'standalone', refused: [] });
    expect(members[0]!['connections']).toBeGreaterThanOrEqual(1);
    expect(members[0]!['zxid']).toMatch(/^0x[0-9a-f]+$/);
  });

  it('the ensemble view marks the words a server does not allow (mntr outside 4lw.commands.whitelist)', async () => {
    await using server = await startServer({ fourLetterWords: 'ruok' });
    const { web } = await consoleOn(server.connectString);
    const { members } = (await (await fetch(new URL('/api/ensemble', web.url))).json()) as { members: Array<Record<string, unknown>> };
    expect(members).toEqual([expect.objectContaining({ server: server.connectString, mode: 'standalone', refused: ['mntr'] })]);
    expect(members[0]).not.toHaveProperty('outstanding');
  });

  it('the zk ui command: prints its URL, serves the page on 127.0.0.1, stops on Ctrl-C; --allow-writes is refused under --readonly', async () => {
    const { hosts } = await f.chroot();
    const child = spawn(process.execPath, [BIN, 'ui', '--server', hosts], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(async () => { child.kill('SIGKILL'); await exited; });
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const url = /^zk ui: (http:\/\/127\.0\.0\.1:\d+\/) \(read-only; Ctrl-C stops it\)$/.exec(line)?.[1];
    expect(url, line).toBeDefined();
    const page = await fetch(url!);
    expect([page.status, page.headers.get('content-security-policy')]).toEqual([200, expect.stringContaining("default-src 'self'")]);
    expect(await (await fetch(new URL('/vendor/preact.mjs', url))).text()).toMatch(/export\s*\{/);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const refused = await zkCli(['--readonly', 'ui', '--server', hosts, '--allow-writes']);
    expect([refused.code, refused.stderr]).toEqual([2, 'zk: ui --allow-writes refused: this session is --readonly\n']);
  });
});
