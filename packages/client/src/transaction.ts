import { OpCode, readMultiResponse, type MultiOpRecord, type MultiResult, type Reader } from '@zookit/protocol';
import { RolledBackError, ErrorCode, type ZooKeeperError } from './errors.js';
import { errorFromCode } from './error-codes.js';
import type { MultiReadResult, TransactionResult } from './types.js';

/** One operation of a transaction or a multiRead, ready to encode. */
export interface MultiOp extends MultiOpRecord {
  op: string;
  path: string;
}

type Strip = (serverPath: string) => string;

/**
 * Decodes a multi reply into results. When an operation failed, every result is
 * an Error: the failing one its own, the others {@link RolledBackError}.
 */
export function readMulti(r: Reader, ops: readonly MultiOp[], strip: Strip, readOnly: boolean): Array<TransactionResult | MultiReadResult> {
  const raw = readMultiResponse(r, ops.length);
  let failed = false;
  const out = raw.map((res, i) => {
    const op = ops[i]!;
    if (res.type === OpCode.error && res.err !== ErrorCode.OK && res.err !== ErrorCode.RUNTIMEINCONSISTENCY) failed = true;
    return toResult(res, op, strip);
  });
  if (failed && !readOnly) {
    return out.map((res, i) => (res instanceof Error && !(res instanceof RolledBackError) ? res : new RolledBackError({ op: ops[i]!.op, path: ops[i]!.path })));
  }
  return out;
}

function toResult(res: MultiResult, op: MultiOp, strip: Strip): TransactionResult | MultiReadResult {
  switch (res.type) {
    case OpCode.error:
      return errorResult(res.err, op);
    case OpCode.create:
      return strip(res.path);
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return { path: strip(res.path), stat: res.stat };
    case OpCode.delete:
    case OpCode.check:
      return true;
    case OpCode.setData:
      return res.stat;
    case OpCode.getData:
      return { data: res.data, stat: res.stat };
    case OpCode.getChildren:
      return res.children;
  }
}

function errorResult(err: number, op: MultiOp): ZooKeeperError {
  if (err === ErrorCode.OK || err === ErrorCode.RUNTIMEINCONSISTENCY) return new RolledBackError({ op: op.op, path: op.path });
  return errorFromCode(err, { op: op.op, path: op.path });
}
