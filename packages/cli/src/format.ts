import type { Acl, Stat } from '@zookit/client';
import { Perms } from '@zookit/client';
import { UsageError } from './errors.js';

/** A zxid or session id the way ZooKeeper prints it (`0x1a2b`). */
export const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** A Stat the way zkCli prints it, one `name = value` per line. */
export function statText(stat: Stat): string {
  return [
    ['cZxid', hex(stat.czxid)], ['ctime', new Date(stat.ctime).toUTCString()], ['mZxid', hex(stat.mzxid)],
    ['mtime', new Date(stat.mtime).toUTCString()], ['pZxid', hex(stat.pzxid)], ['cversion', stat.cversion],
    ['dataVersion', stat.version], ['aclVersion', stat.aversion], ['ephemeralOwner', hex(stat.ephemeralOwner)],
    ['dataLength', stat.dataLength], ['numChildren', stat.numChildren],
  ].map(([k, v]) => `${k} = ${v}`).join('\n');
}

/** True when `data` is valid UTF-8 text. */
export function isText(data: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

/** Node data in one table cell: text with whitespace runs folded, cut to `max` characters, or `<n bytes>`. */
export function preview(data: Buffer, max = 50): string {
  if (!isText(data)) return `<${data.length} bytes>`;
  const s = data.toString('utf8').replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Node data for JSON output: `{ data }` as text when it is UTF-8, else `{ dataBase64 }`. */
export function dataJson(data: Buffer): { data: string } | { dataBase64: string } {
  return isText(data) ? { data: data.toString('utf8') } : { dataBase64: data.toString('base64') };
}

/** Node data for a terminal: the text, or a note that it is binary. */
export function dataText(data: Buffer): string {
  return isText(data) ? data.toString('utf8') : `<${data.length} bytes of binary data; --json shows base64>`;
}

const PERM_LETTERS: ReadonlyArray<readonly [string, number]> = [
  ['c', Perms.CREATE], ['d', Perms.DELETE], ['r', Perms.READ], ['w', Perms.WRITE], ['a', Perms.ADMIN],
];

/** zkCli's permission letters (`cdrwa`). */
export function permsText(perms: number): string {
  return PERM_LETTERS.filter(([, bit]) => (perms & bit) !== 0).map(([l]) => l).join('');
}

/** Parses zkCli's ACL syntax: `scheme:id:perms[,scheme:id:perms…]` (`world:anyone:cdrwa`, `digest:u:hash:r`). */
export function parseAcl(text: string): Acl[] {
  return text.split(',').map((entry) => {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first <= 0 || last === first) throw new UsageError(`bad ACL "${entry}": expected scheme:id:perms (e.g. world:anyone:cdrwa)`);
    const letters = entry.slice(last + 1);
    let perms = 0;
    for (const ch of letters) {
      const bit = PERM_LETTERS.find(([l]) => l === ch);
      if (!bit) throw new UsageError(`bad ACL "${entry}": permissions are letters of cdrwa`);
      perms |= bit[1];
    }
    return { perms, id: { scheme: entry.slice(0, first), id: entry.slice(first + 1, last) } };
  });
}

/** An ACL as zkCli's syntax. */
export function aclText(acls: readonly Acl[]): string {
  return acls.map((a) => `${a.id.scheme}:${a.id.id}:${permsText(a.perms)}`).join(',');
}

/** Human byte counts (`1.2 KiB`). */
export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
