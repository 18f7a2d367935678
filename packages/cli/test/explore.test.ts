import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/index.ts';
import { fixture, lines, zk } from './helpers.ts';

const f = fixture();

async function sample() {
  const c = await f.chroot();
  await c.client.create('/app/db/primary', 'host=db1\nport=5432', { makePath: true });
  await c.client.create('/app/db/replica', 'host=db2\nport=5432');
  await c.client.create('/app/cfg', JSON.stringify({ feature: { on: true, list: [1, 2] } }));
  await c.client.create('/other', 'x'.repeat(2048));
  return c;
}

describe("zk-shell's tools", () => {
  it('tree draws the subtree (and -d limits the depth)', async () => {
    const { hosts } = await sample();
    expect((await zk(['-s', hosts, 'tree', '/'])).stdout).toBe(
      ['/', '├── app', '│   ├── cfg', '│   └── db', '│       ├── primary', '│       └── replica', '└── other', ''].join('\n'));
    expect((await zk(['-s', hosts, 'tree', '-d', '1', '/app'])).stdout).toBe('/app\n├── cfg\n└── db\n');
    expect(lines((await zk(['-s', hosts, '--json', 'tree', '/app/db'])).stdout)).toEqual([
      { path: '/app/db', depth: 0, numChildren: 2 }, { path: '/app/db/primary', depth: 1, numChildren: 0 }, { path: '/app/db/replica', depth: 1, numChildren: 0 },
    ]);
  });

  it('find matches paths, grep matches data lines (regular expressions)', async () => {
    const { hosts } = await sample();
    expect((await zk(['-s', hosts, 'find', '/', 'db/.*'])).stdout).toBe('/app/db/primary\n/app/db/replica\n');
    expect((await zk(['-s', hosts, 'find', '-i', '/', 'PRIMARY$'])).stdout).toBe('/app/db/primary\n');
    expect((await zk(['-s', hosts, 'grep', '/', 'host=db[0-9]'])).stdout).toBe('/app/db/primary: host=db1\n/app/db/replica: host=db2\n');
    expect((await zk(['-s', hosts, 'grep', '-l', '/app', '5432'])).stdout).toBe('/app/db/primary\n/app/db/replica\n');
    expect(await zk(['-s', hosts, 'grep', '/', '('])).toMatchObject({ code: ExitCode.USAGE, stderr: expect.stringMatching(/^zk: bad regular expression/) });
  });

  it('du sums data bytes and nodes per child', async () => {
    const { hosts } = await sample();
    const rows = lines((await zk(['-s', hosts, '--json', 'du', '/'])).stdout);
    expect(rows).toEqual([
      { path: '/app', nodes: 5, bytes: 72 },
      { path: '/other', nodes: 1, bytes: 2048 },
      { path: '/', nodes: 7, bytes: 2120 },
    ]);
    expect((await zk(['-s', hosts, 'du', '/'])).stdout).toBe('SIZE     NODES  PATH\n72 B     5      /app\n2.0 KiB  1      /other\n2.1 KiB  7      /\n');
  });

  it('json-get reads and json-set writes inside JSON data', async () => {
    const { hosts, client } = await sample();
    expect((await zk(['-s', hosts, 'json-get', '/app/cfg', 'feature.list.1'])).stdout).toBe('2\n');
    expect(lines((await zk(['-s', hosts, '--json', 'json-get', '/app/cfg', 'feature'])).stdout)).toEqual([{ on: true, list: [1, 2] }]);
    expect((await zk(['-s', hosts, '-c', 'json-set /app/cfg feature.on false; json-set /app/cfg owner ops'])).code).toBe(0);
    expect(JSON.parse((await client.get('/app/cfg')).data.toString())).toEqual({ feature: { on: false, list: [1, 2] }, owner: 'ops' });
    expect(await zk(['-s', hosts, 'json-get', '/app/cfg', 'nope'])).toMatchObject({ code: ExitCode.USAGE, stderr: 'zk: /app/cfg has no key "nope"\n' });
    expect(await zk(['-s', hosts, 'json-get', '/app/db/primary'])).toMatchObject({ code: ExitCode.USAGE, stderr: 'zk: /app/db/primary does not hold JSON\n' });
  });
});
