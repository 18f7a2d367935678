/** A node's metadata, as ZooKeeper's `Stat` record. zxids and session ids are `bigint`. */
export interface Stat {
  /** zxid of the change that created the node. */
  czxid: bigint;
  /** zxid of the last change of the node's data. */
  mzxid: bigint;
  /** Creation time, ms since the epoch. */
  ctime: number;
  /** Last modification time, ms since the epoch. */
  mtime: number;
  /** Number of changes to the data. */
  version: number;
  /** Number of changes to the children. */
  cversion: number;
  /** Number of changes to the ACL. */
  aversion: number;
  /** Session id of the owner of an ephemeral node, else 0 (containers and TTL nodes carry marker values). */
  ephemeralOwner: bigint;
  /** Length of the data in bytes. */
  dataLength: number;
  /** Number of children. */
  numChildren: number;
  /** zxid of the last change of the children. */
  pzxid: bigint;
}

/** An identity in an ACL: a scheme (`world`, `digest`, `ip`, `x509`, `sasl`, `auth`) and an id. */
export interface Id {
  scheme: string;
  id: string;
}

/** One ACL entry: a permission bit set and the identity it applies to. */
export interface Acl {
  perms: number;
  id: Id;
}

/** One entry of a `whoAmI()` answer. */
export interface ClientInfo {
  authScheme: string;
  user: string;
}
