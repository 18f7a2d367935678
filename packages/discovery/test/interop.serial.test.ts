// Interop with real Curator x-discovery 5.4 (Debian libcurator-discovery-java): a Java
// ServiceDiscovery in another process (test/peers/DiscoveryPeer.java, compiled here).
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { inject, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServiceDiscovery, type ServiceInstance } from '../src/index.js';
import { harness, next } from './helpers.js';

const h = harness();
const PEERS = path.join(import.meta.dirname, 'peers');
const JARS = [
  'curator-client', 'curator-framework', 'curator-recipes', 'curator-x-discovery', 'zookeeper', 'zookeeper-jute', 'slf4j-api', 'slf4j-nop', 'guava',
  'jackson-databind', 'jackson-core', 'jackson-annotations',
].map((j) => `/usr/share/java/${j}.jar`);
const SOURCES = ['DiscoveryPeer.java', 'zookit/peer/Details.java', 'org/springframework/cloud/zookeeper/discovery/ZookeeperInstance.java'];
const SESSION_TIMEOUT = 4_000;
let classDir = '';

beforeAll(() => {
  classDir = mkdtempSync(path.join(tmpdir(), 'zookit-discovery-peer-'));
  execFileSync('javac', ['-d', classDir, '-cp', JARS.join(':'), ...SOURCES.map((s) => path.join(PEERS, s))]);
}, 120_000);

/** What the Java side decoded (see DiscoveryPeer.print). */
interface JavaView {
  name: string; id: string; address: string; port: number; sslPort: number | null; registrationTimeUTC: number;
  serviceType: string; enabled: boolean; uri: string; payloadClass: string | null; payload: unknown;
}

class JavaPeer {
  readonly #lines: string[] = [];
  #wake: (() => void) | null = null;
  readonly exited: Promise<number | null>;
  #exited = false;
  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      this.#lines.push(line);
      this.#wake?.();
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code) => {
      this.#exited = true;
      this.#wake?.();
      resolve(code);
    }));
    void this.exited.then((code) => {
      if (code !== 0 && code !== null) console.error(`java peer exited ${code}: ${stderr.slice(-2000)}`);
    });
  }
  /** The next line from the peer (bounded); an `error …` line fails the test. */
  async line(timeout = 30_000): Promise<string> {
    const deadline = performance.now() + timeout;
    while (this.#lines.length === 0) {
      if (this.#exited) throw new Error('the java peer exited');
      if (performance.now() > deadline) throw new Error('no line from the java peer in time');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - performance.now()));
        this.#wake = () => (clearTimeout(t), resolve());
      });
    }
    const l = this.#lines.shift()!;
    if (l.startsWith('error ')) throw new Error(`java peer: ${l}`);
    return l;
  }
  async send(command: string): Promise<string> {
    this.proc.stdin.write(command + '\n');
    return this.line();
  }
  /** Sends a listing command; returns the instances printed before `end` (and a `pick`, if any). */
  async list(command: string): Promise<{ instances: JavaView[]; pick?: string }> {
    this.proc.stdin.write(command + '\n');
    const out: { instances: JavaView[]; pick?: string } = { instances: [] };
    for (let l = await this.line(); l !== 'end'; l = await this.line()) {
      if (l.startsWith('instance ')) out.instances.push(JSON.parse(l.slice('instance '.length)) as JavaView);
      else if (l.startsWith('pick ')) out.pick = l.slice('pick '.length);
    }
    out.instances.sort((a, b) => a.id.localeCompare(b.id));
    return out;
  }
}

const peers: JavaPeer[] = [];
afterEach(() => {
  for (const p of peers.splice(0)) p.proc.kill('SIGKILL');
});

async function java(chroot: string): Promise<JavaPeer> {
  const p = new JavaPeer(spawn('java', ['-cp', [classDir, ...JARS].join(':'), 'DiscoveryPeer', inject('zkConnect') + chroot, '/services', String(SESSION_TIMEOUT)]));
  peers.push(p);
  expect(await p.line(60_000)).toBe('ready');
  return p;
}

async function setup() {
  const zk = await h.client();
  const sd = new ServiceDiscovery(zk, { basePath: '/services' });
  await sd.start();
  return { zk, sd, peer: await java(zk.chroot) };
}

/** An instance as both sides describe it. */
function common(i: ServiceInstance | JavaView) {
  const payload = i.payload && typeof i.payload === 'object' && !Array.isArray(i.payload)
    ? Object.fromEntries(Object.entries(i.payload).filter(([k]) => k !== '@class')) : i.payload;
  return { name: i.name, id: i.id, address: i.address, port: i.port, sslPort: i.sslPort, registrationTimeUTC: i.registrationTimeUTC, serviceType: i.serviceType, enabled: i.enabled, payload };
}

describe('interop with Curator x-discovery 5.4', () => {
  it('Java registers: zookit queries and cache see the same fields, payloads and payload classes', async () => {
    const { sd, peer } = await setup();
    for (const [id, kind] of [['j-map', 'map'], ['j-details', 'details'], ['j-spring', 'spring'], ['j-none', 'none']]) {
      expect(await peer.send(`register orders ${id} 9000 ${kind}`)).toBe(`registered ${id}`);
    }
    const javaView = (await peer.list('query orders')).instances;
    const ours = (await sd.queryForInstances('orders')).sort((a, b) => a.id.localeCompare(b.id));
    expect(ours.map(common)).toEqual(javaView.map(common));
    expect(ours.map((i) => (i.payload as { '@class'?: string } | null)?.['@class'] ?? null)).toEqual(javaView.map((j) => j.payloadClass));
    const cache = sd.serviceCache('orders');
    await cache.start();
    expect(cache.instances().map((i) => i.id).sort()).toEqual(javaView.map((j) => j.id));
    const spring = ours.find((i) => i.id === 'j-spring')!;
    expect(spring.payload).toEqual({ '@class': 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance', id: 'j-spring', name: 'orders', metadata: { zone: 'a' } });
  });

  it("zookit registers: Java's queryForInstances and ServiceProvider decode it, payload classes and enabled included", async () => {
    const { sd, peer } = await setup();
    await sd.register({ name: 'orders', id: 'z-details', address: '127.0.0.1', port: 8080, payload: { zone: 'a', weight: 2 }, uriSpec: '{scheme}://{address}:{port}/api' }, { payloadClass: 'zookit.peer.Details' });
    await sd.register({ name: 'orders', id: 'z-map', address: '127.0.0.1', port: 8081, sslPort: 8443, payload: { zone: 'b' } }, { payloadClass: 'java.util.LinkedHashMap' });
    await sd.register({ name: 'orders', id: 'z-none', address: '127.0.0.1', port: 8082, uriSpec: '{scheme}://{address}:{ssl-port}' });
    await sd.register({ name: 'orders', id: 'z-off', address: '127.0.0.1', port: 8083, enabled: false });
    const { instances } = await peer.list('query orders');
    expect(instances.map((j) => [j.id, j.payloadClass, j.payload, j.uri, j.enabled])).toEqual([
      ['z-details', 'zookit.peer.Details', { zone: 'a', weight: 2 }, 'http://127.0.0.1:8080/api', true],
      ['z-map', 'java.util.LinkedHashMap', { zone: 'b' }, '', true],
      ['z-none', null, null, 'http://127.0.0.1:', true],
      ['z-off', null, null, '', false],
    ]);
    expect(instances.map(common)).toEqual((await sd.queryForInstances('orders')).sort((a, b) => a.id.localeCompare(b.id)).map(common));
    // Curator's provider leaves out the disabled instance, as zookit's does.
    const provided = await peer.list('provider orders 3');
    expect(provided.instances.map((j) => j.id)).toEqual(['z-details', 'z-map', 'z-none']);
    expect(['z-details', 'z-map', 'z-none']).toContain(provided.pick);
  });

  it('a SIGKILLed Java process is gone from the cache within its session timeout', async () => {
    const { sd, peer } = await setup();
    const cache = sd.serviceCache('orders');
    await cache.start();
    const added = next(cache, 'changed');
    await peer.send('register orders victim 9000 map');
    await added;
    expect(cache.instances().map((i) => i.id)).toEqual(['victim']);
    const removed = next(cache, 'changed', SESSION_TIMEOUT * 3);
    const killedAt = performance.now();
    peer.proc.kill('SIGKILL');
    await removed;
    const ms = performance.now() - killedAt;
    expect(cache.instances()).toEqual([]);
    // The server expires a session on the first tick (200 ms on the test server) after the
    // timeout, counted from the last ping it got; allow that and delivery on a shared machine.
    expect(ms).toBeLessThan(SESSION_TIMEOUT + 1_000);
    console.log(`SIGKILL → removal from the cache: ${Math.round(ms)} ms (session timeout ${SESSION_TIMEOUT} ms)`);
  });

  it("zookit's update of a Java instance keeps the payload's class readable by Java; a Spring payload round-trips untouched", async () => {
    const { sd, peer } = await setup();
    await peer.send('register orders j-details 9000 details');
    await peer.send('register orders j-spring 9001 spring');
    const springBytes = await peer.send('bytes orders j-spring');
    const details = (await sd.queryForInstance('orders', 'j-details'))!;
    await sd.update({ ...details, payload: { zone: 'b', weight: 5 } });
    const spring = (await sd.queryForInstance('orders', 'j-spring'))!;
    await sd.update({ ...spring });
    expect(await peer.send('bytes orders j-spring')).toBe(springBytes);
    const payload = spring.payload as { metadata: Record<string, string> };
    await sd.update({ ...spring, payload: { ...payload, metadata: { ...payload.metadata, zone: 'c' } } });
    const { instances } = await peer.list('query orders');
    expect(instances.map((j) => [j.id, j.payloadClass, j.payload])).toEqual([
      ['j-details', 'zookit.peer.Details', { zone: 'b', weight: 5 }],
      ['j-spring', 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance', { id: 'j-spring', name: 'orders', metadata: { zone: 'c' } }],
    ]);
  });
});
