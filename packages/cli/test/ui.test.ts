// zk ui in a real browser: Debian's Chromium, headless, driven by playwright-core, against
// real ZooKeeper servers. The console serves the built page (dist/web; the tests run after
// the build, like the binary's tests).
import { ZooKeeperClient } from '@zookit/client';
import { Lock } from '@zookit/recipes';
import { startServer } from '@zookit/testing';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type Console } from '../src/ui/server.ts';
import { launch, type Browser } from './browser.ts';
import { fixture } from './helpers.ts';

const f = fixture();
let browser: Browser;
const cleanups: Array<() => Promise<unknown>> = [];
/** Requests a page made anywhere but its console (nothing may come from a CDN). */
const foreign: string[] = [];

beforeAll(async () => {
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).reverse().map((c) => c().catch(() => {})));
  expect(browser.errors.splice(0)).toEqual([]);
  expect(foreign.splice(0)).toEqual([]);
});

/** A console on `hosts` with its own session, and a page opened on `hash`. */
async function open(hosts: string, hash: string, options: { allowWrites?: boolean; sessionTimeout?: number } = {}): Promise<{ page: Page; web: Console; zk: ZooKeeperClient }> {
  const zk = new ZooKeeperClient({ hosts, sessionTimeout: options.sessionTimeout ?? 10_000 });
  await zk.start();
  cleanups.push(() => zk.close());
  const web = await startConsole({ zk, hosts, allowWrites: options.allowWrites === true });
  cleanups.push(() => web.close());
  const page = await browser.page();
  cleanups.push(() => page.close());
  page.on('request', (r) => !r.url().startsWith(new URL(web.url).origin) && !r.url().startsWith('data:') && foreign.push(r.url()));
  await page.goto(`${web.url}#${hash}`);
  await expect.poll(() => page.locator('#conn-state').textContent()).toBe('CONNECTED');
  return { page, web, zk };
}

const row = (page: Page, path: string) => page.locator(`li[data-path="${path}"]`);
const expand = (page: Page, path: string) => row(page, path).locator(':scope > .row > .toggle').click();

describe('zk ui in a browser', () => {
  it('expands the tree lazily and shows a node another client creates without a reload', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/app/cfg/db', 'postgres://a', { makePath: true });
    const { page } = await open(hosts, '/');
    await expand(page, '/app');
    await expand(page, '/app/cfg');
    await expect.poll(() => row(page, '/app/cfg/db').isVisible()).toBe(true);
    await expect.poll(() => row(page, '/app/cfg').locator(':scope > .row > .count').textContent()).toBe('1');
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    await client.create('/app/cfg/cache', 'redis://b');
    await row(page, '/app/cfg/cache').waitFor();
    expect(await row(page, '/app/cfg/cache').getAttribute('class')).toContain('flash');
    await expect.poll(() => row(page, '/app/cfg').locator(':scope > .row > .count').textContent()).toBe('2');
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await client.delete('/app/cfg/db');
    await row(page, '/app/cfg/db').waitFor({ state: 'detached' });
  });

  it("shows a lock's queue (holder first, fencing tokens) and the next holder after the holder's session closes", async () => {
    const { hosts, client } = await f.chroot();
    const first = new ZooKeeperClient({ hosts, sessionTimeout: 4_000 });
    await first.start();
    cleanups.push(() => first.close());
    const lease = await new Lock(first, '/locks/job', { identifier: 'worker-1' }).acquire();
    const waiting = new Lock(client, '/locks/job', { identifier: 'worker-2' }).acquire();
    await expect.poll(async () => (await client.getChildren('/locks/job')).length).toBe(2);
    const { page } = await open(hosts, '/locks/job');
    const recipe = page.locator('#recipe[data-kind="lock"]');
    await expect.poll(() => recipe.locator('tr.holder td.identifier').textContent()).toBe('worker-1');
    expect(await recipe.locator('tr td.identifier').allTextContents()).toEqual(['worker-1', 'worker-2']);
    expect(await recipe.locator('tr.holder td.token').textContent()).toBe(lease.fencingToken.toString());
    await first.close();
    await expect.poll(() => recipe.locator('tr.holder td.identifier').textContent()).toBe('worker-2');
    await expect.poll(() => recipe.locator('tr td.identifier').count()).toBe(1);
    const second = await waiting;
    expect(await recipe.locator('tr.holder td.token').textContent()).toBe(second.fencingToken.toString());
    await second.release();
  });

  it('read-only: no edit controls, and a write sent anyway is refused', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/cfg', 'v1');
    const { page } = await open(hosts, '/cfg');
    await expect.poll(() => page.locator('#node-data').textContent()).toBe('v1');
    await page.locator('#read-only-note').waitFor();
    expect(await page.locator('#edit').count()).toBe(0);
    const token = (await page.locator('meta[name="zk-token"]').getAttribute('content')) ?? '';
    const answer = await page.evaluate(async (token) => {
      const res = await fetch('/api/set', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Zk-Token': token }, body: JSON.stringify({ path: '/cfg', data: 'v2', version: 0 }) });
      return { status: res.status, body: (await res.json()) as { error: string } };
    }, token);
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatch(/read-only/);
    expect((await client.get('/cfg')).data.toString()).toBe('v1');
  });

  it('--allow-writes: an edit that a concurrent change makes stale is refused with a clear message; a fresh one saves', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/cfg', 'v1');
    const { page } = await open(hosts, '/cfg', { allowWrites: true });
    await expect.poll(() => page.locator('#node-data').textContent()).toBe('v1');
    await page.locator('#edit').click();
    await page.locator('#editor').fill('mine');
    await client.set('/cfg', 'theirs');
    await expect.poll(() => page.locator('#node-data').textContent()).toBe('theirs');
    await page.locator('#save').click();
    await expect.poll(() => page.locator('#message.refused').textContent()).toMatch(/changed by someone else since you opened it \(you read version 0, it is now at version 1\)/);
    expect((await client.get('/cfg')).data.toString()).toBe('theirs');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#edit').click();
    await page.locator('#editor').fill('mine again');
    await page.locator('#save').click();
    await expect.poll(() => page.locator('#message.ok').textContent()).toMatch(/saved \/cfg \(now version 2\)/);
    expect((await client.get('/cfg')).data.toString()).toBe('mine again');
  });

  it('--allow-writes: creates a child from the page, deletes a subtree after a confirmation; the ensemble view shows the server', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/app/x/y', 'deep', { makePath: true });
    const { page } = await open(hosts, '/app', { allowWrites: true });
    await page.locator('#child-name').fill('made-here');
    await page.locator('#child-data').fill('hello');
    await page.locator('#create').click();
    await expect.poll(() => page.locator('#message.ok').textContent()).toBe('created /app/made-here');
    expect((await client.get('/app/made-here')).data.toString()).toBe('hello');
    await expand(page, '/app');
    await row(page, '/app/made-here').waitFor();
    await row(page, '/app/x').locator(':scope > .row > .name').click();
    await expect.poll(() => page.locator('#node-path').textContent()).toBe('/app/x');
    const dump = await (await fetch(new URL('/api/export?path=/app/x', page.url()))).text();
    await page.locator('#delete-recursive').click();
    expect(await client.exists('/app/x')).not.toBeNull(); // nothing happens before the confirmation
    await page.locator('#confirm-delete').click();
    await expect.poll(() => page.locator('#message.ok').textContent()).toBe('deleted /app/x');
    expect(await client.exists('/app/x')).toBeNull();
    await expect.poll(() => page.locator('#node-path').textContent()).toBe('/app');
    await page.locator('#import').setInputFiles({ name: 'x.zkdump', mimeType: 'application/x-ndjson', buffer: Buffer.from(dump) });
    await expect.poll(() => page.locator('#message.ok').textContent()).toBe('imported into /app/x: created 2, updated 0, unchanged 0');
    expect((await client.get('/app/x/y')).data.toString()).toBe('deep');
    await row(page, '/app/x').waitFor();
    await expect.poll(() => page.locator('#ensemble tr[data-server] td.mode').textContent()).toBe('standalone');
  });

  it('pages a node with 10,000 children, 100 at a time', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/big');
    for (let batch = 0; batch < 10; batch++) {
      const tx = client.transaction();
      for (let i = 0; i < 1000; i++) tx.create(`/big/child-${String(batch * 1000 + i).padStart(5, '0')}`);
      await tx.commit();
    }
    const { page } = await open(hosts, '/big');
    await expand(page, '/big');
    const list = page.locator('ul[data-children-of="/big"]');
    await expect.poll(() => list.locator('.pager .range').textContent()).toBe('1–100 of 10000');
    expect(await list.locator(':scope > li').count()).toBe(100);
    const started = Date.now();
    await list.locator('.pager .next').click();
    await expect.poll(() => list.locator('.pager .range').textContent()).toBe('101–200 of 10000');
    expect(await list.locator(':scope > li').first().getAttribute('data-path')).toBe('/big/child-00100');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await row(page, '/big').locator(':scope > .row > .count').textContent()).toBe('10000');
  });

  it('binary data as hex, JSON pretty-printed, unknown and malformed paths in the URL', async () => {
    const { hosts, client } = await f.chroot();
    await client.create('/bin', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]));
    await client.create('/json', '{"a":1,"b":[true]}');
    const { page, web } = await open(hosts, '/bin');
    await expect.poll(() => page.locator('#node-data').getAttribute('data-view')).toBe('hex');
    expect(await page.locator('#node-data').textContent()).toContain('00000000  00 01 02 ff fe');
    await page.goto(`${web.url}#/json`);
    await expect.poll(() => page.locator('#node-data').textContent()).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}');
    await page.goto(`${web.url}#/does/not/exist`);
    await expect.poll(() => page.locator('#node-error').textContent()).toBe('No node /does/not/exist (it does not exist, or no longer does)');
    await page.goto(`${web.url}#/bad//path`);
    await expect.poll(() => page.locator('#node-error').textContent()).toMatch(/empty node name|invalid path/i);
    await client.create('/odd name%41', 'odd');
    await page.goto(`${web.url}#/`);
    await row(page, '/odd name%41').locator(':scope > .row > .name').click();
    await expect.poll(() => page.locator('#node-data').textContent()).toBe('odd');
    expect(await page.locator('#node-path').textContent()).toBe('/odd name%41');
    const res = await page.goto(`${web.url}no/such/page`);
    expect(res?.status()).toBe(404);
  });

  it('says SUSPENDED when its ZooKeeper server stops, and recovers (live again) when it is back', async () => {
    await using server = await startServer();
    const setup = new ZooKeeperClient({ hosts: server.connectString });
    await setup.start();
    await setup.create('/before', 'x');
    await setup.close();
    const { page } = await open(server.connectString, '/', { sessionTimeout: 30_000 });
    await row(page, '/before').waitFor();
    await server.kill();
    await expect.poll(() => page.locator('#conn-state').textContent(), { timeout: 20_000 }).toBe('SUSPENDED');
    await server.restart();
    await expect.poll(() => page.locator('#conn-state').textContent(), { timeout: 30_000 }).toBe('CONNECTED');
    const after = new ZooKeeperClient({ hosts: server.connectString });
    await after.start();
    cleanups.push(() => after.close());
    await after.create('/after', 'y');
    await row(page, '/after').waitFor();
  });

  it('says SUSPENDED when the console server goes away, and reconnects when it is back on its port', async () => {
    const { hosts } = await f.chroot();
    const { page, web, zk } = await open(hosts, '/');
    const port = Number(new URL(web.url).port);
    await web.close();
    await expect.poll(() => page.locator('#conn-state').textContent()).toBe('SUSPENDED');
    const again = await startConsole({ zk, hosts, port });
    cleanups.push(() => again.close());
    await expect.poll(() => page.locator('#conn-state').textContent(), { timeout: 15_000 }).toBe('CONNECTED');
  });
});
