import net from 'node:net';

/**
 * Reserve `count` distinct free TCP ports on 127.0.0.1 by binding port 0, reading the
 * assigned ports, and releasing them all. Another process may grab a port between
 * release and use; callers retry on "address in use".
 *
 * @param count - how many ports (1..64)
 * @returns distinct port numbers
 */
export async function allocatePorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new RangeError(`allocatePorts: count must be 1..64, got ${count}`);
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
