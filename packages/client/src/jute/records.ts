import type { Acl, ClientInfo, Stat } from '../types.js';
import { JuteDecodeError, type Reader } from './reader.js';
import type { Writer } from './writer.js';

/** Size of a serialized Stat. */
export const STAT_SIZE = 68;

export function readStat(r: Reader): Stat {
  return {
    czxid: r.long(),
    mzxid: r.long(),
    ctime: r.longNumber(),
    mtime: r.longNumber(),
    version: r.int(),
    cversion: r.int(),
    aversion: r.int(),
    ephemeralOwner: r.long(),
    dataLength: r.int(),
    numChildren: r.int(),
    pzxid: r.long(),
  };
}

export function writeStat(w: Writer, s: Stat): void {
  w.long(s.czxid).long(s.mzxid).long(BigInt(s.ctime)).long(BigInt(s.mtime));
  w.int(s.version).int(s.cversion).int(s.aversion).long(s.ephemeralOwner);
  w.int(s.dataLength).int(s.numChildren).long(s.pzxid);
}

export function writeAcls(w: Writer, acls: readonly Acl[]): void {
  w.int(acls.length);
  for (const a of acls) w.int(a.perms).string(a.id.scheme).string(a.id.id);
}

export function readAcls(r: Reader): Acl[] {
  const n = r.count(12);
  const out: Acl[] = [];
  for (let i = 0; i < n; i++) {
    const perms = r.int();
    out.push({ perms, id: { scheme: r.str(), id: r.str() } });
  }
  return out;
}

// --- session records ------------------------------------------------------

export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  passwd: Uint8Array;
  readOnly: boolean;
}

export function writeConnectRequest(w: Writer, c: ConnectRequest): void {
  w.int(c.protocolVersion).long(c.lastZxidSeen).int(c.timeOut).long(c.sessionId).buffer(c.passwd).bool(c.readOnly);
}

export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
}

export function readConnectResponse(r: Reader): ConnectResponse {
  const protocolVersion = r.int();
  const timeOut = r.int();
  const sessionId = r.long();
  const passwd = Buffer.from(r.buffer() ?? Buffer.alloc(0));
  // Before 3.9 readOnly is appended outside the record and may be absent.
  const readOnly = r.remaining > 0 ? r.bool() : false;
  return { protocolVersion, timeOut, sessionId, passwd, readOnly };
}

export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

export function readReplyHeader(r: Reader): ReplyHeader {
  return { xid: r.int(), zxid: r.long(), err: r.int() };
}

export interface WatcherEventRecord {
  type: number;
  state: number;
  path: string;
}

export function readWatcherEvent(r: Reader): WatcherEventRecord {
  return { type: r.int(), state: r.int(), path: r.str() };
}

export function writeAuthPacket(w: Writer, scheme: string, auth: Uint8Array): void {
  w.int(0).string(scheme).buffer(auth);
}

export interface SetWatches {
  relativeZxid: bigint;
  data: string[];
  exist: string[];
  child: string[];
  persistent?: string[];
  persistentRecursive?: string[];
}

/** SetWatches (101) when no persistent list is given, SetWatches2 (105) when one is. */
export function writeSetWatches(w: Writer, s: SetWatches): void {
  w.long(s.relativeZxid).strings(s.data).strings(s.exist).strings(s.child);
  if (s.persistent || s.persistentRecursive) w.strings(s.persistent ?? []).strings(s.persistentRecursive ?? []);
}

// --- operation bodies ---------------------------------------------------

export function writeCreate(w: Writer, path: string, data: Uint8Array | null, acl: readonly Acl[], flags: number, ttl?: bigint): void {
  w.string(path).buffer(data);
  writeAcls(w, acl);
  w.int(flags);
  if (ttl !== undefined) w.long(ttl);
}

export function writePathVersion(w: Writer, path: string, version: number): void {
  w.string(path).int(version);
}

export function writePathWatch(w: Writer, path: string, watch: boolean): void {
  w.string(path).bool(watch);
}

export function writeSetData(w: Writer, path: string, data: Uint8Array | null, version: number): void {
  w.string(path).buffer(data).int(version);
}

export function writeSetAcl(w: Writer, path: string, acl: readonly Acl[], version: number): void {
  w.string(path);
  writeAcls(w, acl);
  w.int(version);
}

export function writePathInt(w: Writer, path: string, v: number): void {
  w.string(path).int(v);
}

export function writeReconfig(w: Writer, joining: string | null, leaving: string | null, newMembers: string | null, curConfigId: bigint): void {
  w.string(joining).string(leaving).string(newMembers).long(curConfigId);
}

export interface GetDataResult {
  data: Buffer;
  stat: Stat;
}

export function readGetData(r: Reader): GetDataResult {
  const data = r.buffer() ?? Buffer.alloc(0);
  return { data, stat: readStat(r) };
}

export function readClientInfos(r: Reader): ClientInfo[] {
  const n = r.count(8);
  const out: ClientInfo[] = [];
  for (let i = 0; i < n; i++) out.push({ authScheme: r.str(), user: r.str() });
  return out;
}

// --- multi ----------------------------------------------------------------

export function writeMultiHeader(w: Writer, type: number, done: boolean, err: number): void {
  w.int(type).bool(done).int(err);
}

export interface MultiHeader {
  type: number;
  done: boolean;
  err: number;
}

export function readMultiHeader(r: Reader): MultiHeader {
  return { type: r.int(), done: r.bool(), err: r.int() };
}

/** Guard for loops over records: a reply must not claim more items than it could hold. */
export function assertProgress(r: Reader, before: number): void {
  if (r.offset === before) throw new JuteDecodeError('record made no progress');
}
