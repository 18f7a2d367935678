// Takes the screenshot in docs/ui.md: headless Debian Chromium (the browser tests' tooling)
// watching `npm run demo -- --ui`, on the first lock of the worker fleet that has a queue.
// The browser is started first, then the demo (built first: `npx turbo run build`).
//
//   node packages/cli/scripts/ui-screenshot.mjs docs/ui.png
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const out = process.argv[2];
if (!out) throw new Error('usage: ui-screenshot.mjs OUT.png');
let url;

/** The children of a node, from the console's own API (empty when it is not there). */
async function children(path) {
  const res = await fetch(new URL(`/api/children?path=${encodeURIComponent(path)}&limit=1000`, url));
  return res.ok ? (await res.json()).children : [];
}

/** A fleet lock with a holder and waiters: the killed worker's job, queued for until its session expires (polled for two minutes). */
async function busyLock() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    for (const fleet of (await children('/zookit-examples')).filter((c) => c.name.startsWith('worker-fleet-'))) {
      const lock = (await children(`${fleet.path}/locks`)).find((c) => c.children >= 3);
      if (lock) return lock.path;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no fleet lock with a waiter in time');
}

let demo;
/** Starts the demo with its console; resolves with the console's URL. */
function startDemo() {
  demo = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../../scripts/demo.mjs'), '--ui'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    demo.stdout.on('data', (chunk) => {
      text += chunk;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(text);
      if (m) resolve(m[0]);
    });
    demo.on('exit', (code) => reject(new Error(`the demo exited (${code}) before its console was up`)));
  });
}

const profile = mkdtempSync(path.join(tmpdir(), 'zk-ui-shot-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 900 },
});
try {
  // The page is open before the locks are looked for: job locks live for a fraction of a second.
  const page = await context.newPage();
  url = await startDemo();
  await page.goto(`${url}#/zookit-examples`);
  for (let attempt = 1; ; attempt++) {
    const lock = await busyLock();
    await page.evaluate((p) => (location.hash = p), lock);
    try {
      await page.locator('#recipe tr.holder + tr').waitFor({ timeout: 5_000 });
      await page.screenshot({ path: out });
      console.log(`${out}: ${lock}`);
      break;
    } catch (err) {
      if (attempt === 5) throw err;
    }
  }
} finally {
  demo?.kill('SIGINT');
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
