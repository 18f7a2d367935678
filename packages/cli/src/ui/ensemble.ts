import net from 'node:net';

/** How long one four-letter word may take (ms). */
const WORD_TIMEOUT_MS = 2_000;
/** The largest answer read (bytes). */
const MAX_ANSWER = 256 * 1024;

/** One ensemble member as the page shows it. */
export interface Member {
  server: string;
  mode?: string;
  zxid?: string;
  connections?: number;
  latency?: string;
  outstanding?: number;
  nodes?: number;
  /** Words the server refused (not in its `4lw.commands.whitelist`). */
  refused: string[];
  /** Why the member could not be asked (unreachable, timeout). */
  error?: string;
}

/** Sends one four-letter word; resolves with the whole answer. */
function ask(host: string, port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer to ${word} within ${WORD_TIMEOUT_MS} ms`)), WORD_TIMEOUT_MS);
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_ANSWER) chunks.push(chunk);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      if (size > 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(err);
    });
  });
}

const refused = (answer: string) => /not in the whitelist|not executed/.test(answer);

/** `host:port` pairs of a connect string (the chroot dropped; 2181 when no port). */
function members(hosts: string): Array<{ host: string; port: number }> {
  const slash = hosts.indexOf('/');
  return (slash === -1 ? hosts : hosts.slice(0, slash)).split(',').map((h) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h.trim());
    const host = (m?.[1] ?? h).replace(/^\[|\]$/g, '');
    return { host, port: m?.[2] ? Number(m[2]) : 2181 };
  });
}

/** Asks one member `srvr` and `mntr` (each may be refused) and reads mode, zxid, connections, latency. */
async function inspectMember(host: string, port: number): Promise<Member> {
  const server = `${host}:${port}`;
  const member: Member = { server, refused: [] };
  try {
    // ZooKeeper always allows `srvr` (zkServer.sh needs it); `mntr` only when whitelisted.
    const [srvr, mntr] = await Promise.all([ask(host, port, 'srvr'), ask(host, port, 'mntr')]);
    if (refused(srvr)) member.refused.push('srvr');
    else Object.assign(member, fromSrvr(srvr));
    if (refused(mntr)) member.refused.push('mntr');
    else Object.assign(member, fromMntr(mntr));
  } catch (err) {
    member.error = (err as Error).message;
  }
  return member;
}

function fromSrvr(text: string): Partial<Member> {
  const line = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const out: Partial<Member> = {};
  const mode = line('Mode');
  if (mode) out.mode = mode;
  const zxid = line('Zxid');
  if (zxid) out.zxid = zxid;
  const connections = line('Connections');
  if (connections) out.connections = Number(connections);
  const latency = line('Latency min/avg/max');
  if (latency) out.latency = latency;
  const nodes = line('Node count');
  if (nodes) out.nodes = Number(nodes);
  return out;
}

function fromMntr(text: string): Partial<Member> {
  const values = new Map(text.split('\n').map((l) => l.split('\t')).filter((p) => p.length === 2).map(([k, v]) => [k!, v!.trim()]));
  const out: Partial<Member> = {};
  const mode = values.get('zk_server_state');
  if (mode) out.mode = mode;
  const num = (k: string) => (values.has(k) ? Number(values.get(k)) : undefined);
  const connections = num('zk_num_alive_connections');
  if (connections !== undefined) out.connections = connections;
  const outstanding = num('zk_outstanding_requests');
  if (outstanding !== undefined) out.outstanding = outstanding;
  const nodes = num('zk_znode_count');
  if (nodes !== undefined) out.nodes = nodes;
  if (values.has('zk_avg_latency')) out.latency = `${values.get('zk_min_latency')}/${values.get('zk_avg_latency')}/${values.get('zk_max_latency')}`;
  return out;
}

/** Every member of the connect string, asked in parallel. */
export function ensemble(hosts: string): Promise<Member[]> {
  return Promise.all(members(hosts).map((m) => inspectMember(m.host, m.port)));
}
