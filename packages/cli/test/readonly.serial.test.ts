// The shell against a member that lost its quorum and serves reads only (READ_ONLY), then
// got it back: the prompt says which, reads go on, writes are refused before anything is sent.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ZooKeeperClient } from '@zookit/client';
import { startEnsemble } from '@zookit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Terminal } from './terminal.ts';

const terminals: Terminal[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.kill();
});

describe('the shell on a read-only member', () => {
  it('the prompt shows READ_ONLY while the member is cut off from its quorum, reads work, writes are refused; CONNECTED once the quorum is back', async () => {
    // A read-only member creates new sessions as local sessions.
    await using ens = await startEnsemble({ size: 3, readOnly: true, extraConfig: ['localSessionsEnabled=true'] });
    const writer = new ZooKeeperClient({ hosts: ens.connectString });
    await writer.start();
    await writer.create('/ro', 'RO-DATA');
    await writer.stop();
    await Promise.all(ens.servers.slice(1).map((m) => m.kill()));

    const history = path.join(mkdtempSync(path.join(tmpdir(), 'zk-ro-')), 'h');
    const t = new Terminal(['--server', ens.connectString, '--readonly', '--timeout', '30000', '--history-file', history]);
    terminals.push(t);
    await t.prompt(0, 'READ_ONLY');
    await t.step('get /ro\r', 'RO-DATA\n');
    await t.prompt(1, 'READ_ONLY');
    await t.step('create /w\r', 'create refused: this session is --readonly');

    // The quorum comes back: the client finds the read-write service and the prompt says so.
    await Promise.all(ens.servers.slice(1).map((m) => m.restart()));
    await ens.waitForQuorum();
    await t.waitFor(/\(CONNECTED\) \d+\] /);
    await t.step('get /ro\r', 'RO-DATA\n');
    t.type('\x04');
    expect(await t.exited).toBe(0);
  }, 120_000);
});
