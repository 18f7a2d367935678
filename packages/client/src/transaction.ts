import { RolledBackError, errorFromCode, ErrorCode, type ZooKeeperError } from './errors.js';
import { OpCode } from './jute/opcodes.js';
import { JuteDecodeError, type Reader } from './jute/reader.js';
import { readGetData, readMultiHeader, readStat, writeMultiHeader, type GetDataResult } from './jute/records.js';
import type { Writer } from './jute/writer.js';
import type { Stat } from './types.js';

/** One operation of a transaction or a multiRead, ready to encode. */
export interface MultiOp {
  type: number;
  op: string;
  path: string;
  write(w: Writer): void;
}

/** What one operation of a committed transaction gives back. */
export type TransactionResult = string | { path: string; stat: Stat } | Stat | true | Error;

/** What one read of `multiRead` gives back. */
export type MultiReadResult = GetDataResult | string[] | Error;

export function writeMulti(w: Writer, ops: readonly MultiOp[]): void {
  for (const op of ops) {
    writeMultiHeader(w, op.type, false, -1);
    op.write(w);
  }
  writeMultiHeader(w, -1, true, -1);
}

type Strip = (serverPath: string) => string;

/**
 * Decodes a multi reply. When an operation failed, every result is an Error:
 * the failing one its own, the others {@link RolledBackError}.
 */
export function readMulti(r: Reader, ops: readonly MultiOp[], strip: Strip, readOnly: boolean): Array<TransactionResult | MultiReadResult> {
  const out: Array<TransactionResult | MultiReadResult> = [];
  let failed = false;
  for (let i = 0; i <= ops.length; i++) {
    const h = readMultiHeader(r);
    if (h.done) break;
    const op = ops[i];
    if (!op) throw new JuteDecodeError('multi reply has more results than operations');
    switch (h.type) {
      case OpCode.error: {
        const err = r.int();
        if (err !== ErrorCode.OK && err !== ErrorCode.RUNTIMEINCONSISTENCY) failed = true;
        out.push(errorResult(err, op));
        break;
      }
      case OpCode.create:
        out.push(strip(r.str()));
        break;
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL: {
        const path = strip(r.str());
        out.push({ path, stat: readStat(r) });
        break;
      }
      case OpCode.delete:
      case OpCode.check:
        out.push(true);
        break;
      case OpCode.setData:
        out.push(readStat(r));
        break;
      case OpCode.getData:
        out.push(readGetData(r));
        break;
      case OpCode.getChildren:
        out.push(r.strings());
        break;
      default:
        throw new JuteDecodeError(`multi reply has an unexpected result type ${h.type}`);
    }
  }
  if (failed && !readOnly) {
    return out.map((res, i) => (res instanceof Error && !(res instanceof RolledBackError) ? res : new RolledBackError({ op: ops[i]!.op, path: ops[i]!.path })));
  }
  return out;
}

function errorResult(err: number, op: MultiOp): ZooKeeperError {
  if (err === ErrorCode.OK || err === ErrorCode.RUNTIMEINCONSISTENCY) return new RolledBackError({ op: op.op, path: op.path });
  return errorFromCode(err, { op: op.op, path: op.path });
}
