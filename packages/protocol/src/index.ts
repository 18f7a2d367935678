/**
 * `@zookit/protocol`: ZooKeeper's wire format. Opcodes, a bounds-checked jute
 * {@link Reader} and {@link Writer}, and the records (session, operations, multi)
 * that `@zookit/client` and `@zookit/testing` speak.
 * @packageDocumentation
 */
export { ZooKitError, ProtocolError, JuteDecodeError } from './errors.js';
export { OpCode, Xid, WireEventType, CreateFlag } from './opcodes.js';
export { Reader } from './reader.js';
export { Writer } from './writer.js';
export type { Stat, Id, Acl, ClientInfo } from './types.js';
export * from './records.js';
