import { JuteDecodeError } from './errors.js';
import { OpCode } from './opcodes.js';
import type { Reader } from './reader.js';
import type { Acl, ClientInfo, Stat } from './types.js';
import type { Writer } from './writer.js';

/** Size of a serialized Stat. */
export const STAT_SIZE = 68;

/** Reads a Stat record. */
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

/** Writes a Stat record. */
export function writeStat(w: Writer, s: Stat): void {
  w.long(s.czxid).long(s.mzxid).long(BigInt(s.ctime)).long(BigInt(s.mtime));
  w.int(s.version).int(s.cversion).int(s.aversion).long(s.ephemeralOwner);
  w.int(s.dataLength).int(s.numChildren).long(s.pzxid);
}

/** Writes a vector of ACL entries (perms, scheme, id). */
export function writeAcls(w: Writer, acls: readonly Acl[]): void {
  w.int(acls.length);
  for (const a of acls) w.int(a.perms).string(a.id.scheme).string(a.id.id);
}

/** Reads a vector of ACL entries; a null vector (-1) reads as empty. */
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

/** The first frame a client sends: attach to (or ask for) a session. */
export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  passwd: Uint8Array;
  readOnly: boolean;
}

/** Writes a ConnectRequest, with the trailing readOnly flag. */
export function writeConnectRequest(w: Writer, c: ConnectRequest): void {
  w.int(c.protocolVersion).long(c.lastZxidSeen).int(c.timeOut).long(c.sessionId).buffer(c.passwd).bool(c.readOnly);
}

/** The server's answer to a ConnectRequest; `timeOut <= 0` means the session is gone. */
export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
}

/** Reads a ConnectResponse; a missing trailing readOnly byte reads as false. */
export function readConnectResponse(r: Reader): ConnectResponse {
  const protocolVersion = r.int();
  const timeOut = r.int();
  const sessionId = r.long();
  const passwd = Buffer.from(r.buffer() ?? Buffer.alloc(0));
  // Before 3.9 readOnly is appended outside the record and may be absent.
  const readOnly = r.remaining > 0 ? r.bool() : false;
  return { protocolVersion, timeOut, sessionId, passwd, readOnly };
}

/** The header of every request after the ConnectRequest. */
export interface RequestHeader {
  xid: number;
  type: number;
}

/** The header every request after the ConnectRequest starts with. */
export function writeRequestHeader(w: Writer, xid: number, type: number): void {
  w.int(xid).int(type);
}

/** Reads a RequestHeader. */
export function readRequestHeader(r: Reader): RequestHeader {
  return { xid: r.int(), type: r.int() };
}

/** The header of every reply after the ConnectResponse (`err` is ZooKeeper's error code). */
export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

/** Reads a ReplyHeader. */
export function readReplyHeader(r: Reader): ReplyHeader {
  return { xid: r.int(), zxid: r.long(), err: r.int() };
}

/** A watch notification as sent (xid -1): numeric event type, keeper state and server path. */
export interface WatcherEventRecord {
  type: number;
  state: number;
  path: string;
}

/** Reads a WatcherEvent. */
export function readWatcherEvent(r: Reader): WatcherEventRecord {
  return { type: r.int(), state: r.int(), path: r.str() };
}

/** Writes an AuthPacket (type 0, scheme, credentials). */
export function writeAuthPacket(w: Writer, scheme: string, auth: Uint8Array): void {
  w.int(0).string(scheme).buffer(auth);
}

/** The watches a client re-registers after reconnecting, relative to `relativeZxid`. */
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

/** Writes a create body (Create, Create2, CreateContainer; CreateTTL when `ttl` is given). */
export function writeCreate(w: Writer, path: string, data: Uint8Array | null, acl: readonly Acl[], flags: number, ttl?: bigint): void {
  w.string(path).buffer(data);
  writeAcls(w, acl);
  w.int(flags);
  if (ttl !== undefined) w.long(ttl);
}

/** Writes a path + version body (delete, check). */
export function writePathVersion(w: Writer, path: string, version: number): void {
  w.string(path).int(version);
}

/** Writes a path + watch flag body (exists, getData, getChildren, ...). */
export function writePathWatch(w: Writer, path: string, watch: boolean): void {
  w.string(path).bool(watch);
}

/** Writes a setData body. */
export function writeSetData(w: Writer, path: string, data: Uint8Array | null, version: number): void {
  w.string(path).buffer(data).int(version);
}

/** Writes a setACL body. */
export function writeSetAcl(w: Writer, path: string, acl: readonly Acl[], version: number): void {
  w.string(path);
  writeAcls(w, acl);
  w.int(version);
}

/** Writes a path + int body (addWatch mode, removeWatches type, ...). */
export function writePathInt(w: Writer, path: string, v: number): void {
  w.string(path).int(v);
}

/** Writes a reconfig body. */
export function writeReconfig(w: Writer, joining: string | null, leaving: string | null, newMembers: string | null, curConfigId: bigint): void {
  w.string(joining).string(leaving).string(newMembers).long(curConfigId);
}

/** A node's data and Stat. */
export interface GetDataResult {
  data: Buffer;
  stat: Stat;
}

/** Reads a getData reply body; null data reads as an empty buffer (a view into the frame). */
export function readGetData(r: Reader): GetDataResult {
  const data = r.buffer() ?? Buffer.alloc(0);
  return { data, stat: readStat(r) };
}

/** Reads a whoAmI reply: a vector of (scheme, user). */
export function readClientInfos(r: Reader): ClientInfo[] {
  const n = r.count(8);
  const out: ClientInfo[] = [];
  for (let i = 0; i < n; i++) out.push({ authScheme: r.str(), user: r.str() });
  return out;
}

// --- multi ----------------------------------------------------------------

/** Writes a MultiHeader (op type, done flag, err). */
export function writeMultiHeader(w: Writer, type: number, done: boolean, err: number): void {
  w.int(type).bool(done).int(err);
}

/** The header in front of each op (and the terminator) of a multi request or reply. */
export interface MultiHeader {
  type: number;
  done: boolean;
  err: number;
}

/** Reads a MultiHeader. */
export function readMultiHeader(r: Reader): MultiHeader {
  return { type: r.int(), done: r.bool(), err: r.int() };
}

/** One operation of a MultiRequest: its opcode and a writer for its body. */
export interface MultiOpRecord {
  type: number;
  write(w: Writer): void;
}

/** A MultiRequest body: each op as MultiHeader{type, false, -1} + body, then the {-1, true, -1} terminator. */
export function writeMulti(w: Writer, ops: readonly MultiOpRecord[]): void {
  for (const op of ops) {
    writeMultiHeader(w, op.type, false, -1);
    op.write(w);
  }
  writeMultiHeader(w, -1, true, -1);
}

/** One result of a MultiResponse, as the server sent it (`type` is the result's opcode, -1 for an error). */
export type MultiResult =
  | { type: typeof OpCode.error; err: number }
  | { type: typeof OpCode.create; path: string }
  | { type: typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL; path: string; stat: Stat }
  | { type: typeof OpCode.delete | typeof OpCode.check }
  | { type: typeof OpCode.setData; stat: Stat }
  | ({ type: typeof OpCode.getData } & GetDataResult)
  | { type: typeof OpCode.getChildren; children: string[] };

/**
 * Decodes a MultiResponse (multi or multiRead) of at most `opCount` results, up to its
 * terminator. A reply with more results than operations, or a result type no
 * operation can produce, is a {@link JuteDecodeError}.
 */
export function readMultiResponse(r: Reader, opCount: number): MultiResult[] {
  const out: MultiResult[] = [];
  for (;;) {
    const h = readMultiHeader(r);
    if (h.done) return out;
    if (out.length >= opCount) throw new JuteDecodeError('multi reply has more results than operations');
    out.push(readMultiResult(r, h.type));
  }
}

function readMultiResult(r: Reader, type: number): MultiResult {
  switch (type) {
    case OpCode.error:
      return { type, err: r.int() };
    case OpCode.create:
      return { type, path: r.str() };
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      const path = r.str();
      return { type, path, stat: readStat(r) };
    }
    case OpCode.delete:
    case OpCode.check:
      return { type };
    case OpCode.setData:
      return { type, stat: readStat(r) };
    case OpCode.getData:
      return { type, ...readGetData(r) };
    case OpCode.getChildren:
      return { type, children: r.strings() };
    default:
      throw new JuteDecodeError(`multi reply has an unexpected result type ${type}`);
  }
}

/** Guard for loops over records: a reply must not claim more items than it could hold. */
export function assertProgress(r: Reader, before: number): void {
  if (r.offset === before) throw new JuteDecodeError('record made no progress');
}
