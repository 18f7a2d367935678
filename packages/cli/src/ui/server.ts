import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validatePath, type ZooKeeperClient } from '@zookit/client';
import { dumpText, readTree } from '../copy.js';
import { ensemble } from './ensemble.js';
import { Live } from './live.js';
import { PAGE_SIZE, childrenPage, detectRecipe, nodeDetail, recipeRows, type RecipeKind } from './reads.js';
import { Refused, WRITES, statusFor } from './writes.js';

/** Options of {@link startConsole}. */
export interface ConsoleOptions {
  /** A started client (the console never closes it). */
  zk: ZooKeeperClient;
  /** The connect string, for the ensemble view (four-letter words to each member). */
  hosts: string;
  /** TCP port on 127.0.0.1 (0: any free port). */
  port?: number;
  /** Allow create, edit, delete and import (default: read-only). */
  allowWrites?: boolean;
}

/** A running console. */
export interface Console {
  /** `http://127.0.0.1:PORT/`. */
  url: string;
  close(): Promise<void>;
}

/** The built page (`dist/web`, the same place from `src/ui` and `dist/ui`). */
const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png' };
/** The page's own files and the vendored libraries (plain names only: nothing outside dist/web). */
const STATIC = /^\/(?:vendor\/)?[a-z]+\.(?:js|mjs|css)$/;
/** The largest request body (an import): 8 MiB. */
const MAX_BODY = 8 * 1024 * 1024;
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/**
 * Starts the web console on 127.0.0.1: the page, a Server-Sent Events stream fed by one
 * TreeCache, read endpoints and (with `allowWrites`) write endpoints that need the run's
 * token, a same-origin request and a JSON body.
 */
export async function startConsole(options: ConsoleOptions): Promise<Console> {
  const token = randomBytes(24).toString('base64url');
  const allowWrites = options.allowWrites === true;
  const live = new Live(options.zk, () => ({ allowWrites, hosts: options.hosts }));
  const started = live.start();
  started.catch(() => {}); // the page shows the connection state; requests report their own errors
  const server = http.createServer();
  let port = 0;
  const ctx: Handler = { zk: options.zk, live, hosts: options.hosts, allowWrites, token, origin: () => `http://127.0.0.1:${port}` };
  server.on('request', (req, res) => {
    handle(ctx, req, res).catch((err: unknown) => send(res, statusFor(err), { error: (err as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Handler {
  zk: ZooKeeperClient;
  live: Live;
  hosts: string;
  allowWrites: boolean;
  token: string;
  origin: () => string;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Only our own host names: a page of another site that re-binds a DNS name to 127.0.0.1 is refused. */
function hostAllowed(ctx: Handler, req: IncomingMessage): boolean {
  const self = new URL(ctx.origin());
  return req.headers.host === self.host || req.headers.host === `localhost:${self.port}`;
}

/** A write must come from our page: same origin, the run's token, a JSON body. */
function checkWrite(ctx: Handler, req: IncomingMessage): void {
  if (!ctx.allowWrites) throw new Refused(403, 'this console is read-only (start it with zk ui --allow-writes to change data)');
  const origin = req.headers.origin;
  const self = new URL(ctx.origin());
  if (origin !== undefined && origin !== self.origin && origin !== `http://localhost:${self.port}`) throw new Refused(403, 'cross-site request refused');
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') throw new Refused(403, 'cross-site request refused');
  if (req.headers['x-zk-token'] !== ctx.token) throw new Refused(403, 'missing or wrong console token (reload the page)');
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new Refused(415, 'a JSON body is required');
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Refused(413, `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new Refused(400, 'the body must be a JSON object');
}

async function handle(ctx: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!hostAllowed(ctx, req)) return send(res, 421, { error: 'unknown host name' });
  const url = new URL(req.url ?? '/', ctx.origin());
  if (req.method === 'POST') {
    const op = WRITES[url.pathname];
    if (!op) return send(res, 404, { error: `no such endpoint: ${url.pathname}` });
    checkWrite(ctx, req);
    return send(res, 200, await op(ctx.zk, await readBody(req)));
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
  if (url.pathname.startsWith('/api/')) return api(ctx, url, req, res);
  if (url.pathname === '/' || url.pathname === '/index.html') return page(ctx, res);
  if (STATIC.test(url.pathname) && (await file(res, url.pathname))) return;
  res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>Not found</title><p>Nothing here. The console is at <a href="/">/</a>; a node is at <code>/#/its/path</code>.</p>');
}

function pathParam(url: URL): string {
  const p = url.searchParams.get('path') ?? '/';
  try {
    validatePath(p);
  } catch (err) {
    throw new Refused(400, (err as Error).message);
  }
  return p;
}

function intParam(url: URL, name: string, fallback: number, max: number): number {
  const v = Number(url.searchParams.get(name) ?? fallback);
  if (!Number.isInteger(v) || v < 0 || v > max) throw new Refused(400, `${name} must be an integer from 0 to ${max}`);
  return v;
}

async function api(ctx: Handler, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  switch (url.pathname) {
    case '/api/events':
      return ctx.live.attach(res);
    case '/api/children': {
      const p = pathParam(url);
      const page = childrenPage(ctx.live.cache, p, intParam(url, 'offset', 0, 2 ** 31), intParam(url, 'limit', PAGE_SIZE, 1000));
      return page ? send(res, 200, page) : send(res, 404, { error: `no node ${p}`, stale: ctx.live.cache.stale });
    }
    case '/api/node': {
      const p = pathParam(url);
      return send(res, 200, { ...(await nodeDetail(ctx.zk, p)), recipe: detectRecipe(ctx.live.cache, p) ?? null });
    }
    case '/api/recipe': {
      const p = pathParam(url);
      const kind = url.searchParams.get('kind') as RecipeKind;
      if (!['lock', 'election', 'queue', 'services'].includes(kind)) throw new Refused(400, 'kind must be lock, election, queue or services');
      return send(res, 200, { path: p, kind, rows: await recipeRows(ctx.zk, p, kind), now: Date.now() });
    }
    case '/api/ensemble':
      return send(res, 200, { members: await ensemble(ctx.hosts) });
    case '/api/export': {
      const p = pathParam(url);
      const text = dumpText(p, await readTree(ctx.zk, p));
      const name = p === '/' ? 'root' : p.slice(1).replace(/[^A-Za-z0-9._-]+/g, '_');
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}.zkdump"` });
      return void res.end(req.method === 'HEAD' ? undefined : text);
    }
    default:
      return send(res, 404, { error: `no such endpoint: ${url.pathname}` });
  }
}

/** The page, with the run's write token when writes are allowed (never anything secret). */
async function page(ctx: Handler, res: ServerResponse): Promise<void> {
  const html = await readFile(path.join(WEB_DIR, 'index.html'), 'utf8');
  const meta = `<meta name="zk-token" content="${ctx.allowWrites ? ctx.token : ''}">`;
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': TYPES['.html']! });
  res.end(html.replace('<!--zk-meta-->', meta));
}

/** Serves a file of the page; false when there is no such file. */
async function file(res: ServerResponse, name: string): Promise<boolean> {
  let body: Buffer;
  try {
    body = await readFile(path.join(WEB_DIR, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': TYPES[path.extname(name)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  res.end(body);
  return true;
}
