// The shapes shared by both kinds of ensemble (loopback in ensemble.ts, network
// namespaces in namespace-ensemble.ts), so that neither imports the other's types.
import type { ServerConfigOptions } from './server-config.js';
import type { ZooKeeperServer } from './server.js';

/** Options for `startEnsemble`. */
export interface StartEnsembleOptions extends ServerConfigOptions {
  /** Number of members (default 3; 1..9). */
  size?: number;
  /** `initLimit` in ticks (default 10). */
  initLimit?: number;
  /** `syncLimit` in ticks (default 5). */
  syncLimit?: number;
  /**
   * `'loopback'` (default): every member on 127.0.0.1. `'namespaces'`: every member in a
   * Linux network namespace of its own, with partitions (needs root and iproute2; see
   * `NamespaceEnsemble`).
   */
  network?: 'loopback' | 'namespaces';
}

/**
 * One ensemble member. `stop()` and `kill()` keep its data so `restart()` rejoins it;
 * the ensemble's `stop()` removes everything.
 */
export interface EnsembleMember extends ZooKeeperServer {
  /** The member's `myid` (1-based; `servers[i].id === i + 1`). */
  readonly id: number;
  /** Quorum (follower-to-leader) port. */
  readonly quorumPort: number;
  /** Leader-election port. */
  readonly electionPort: number;
}

/** A running ZooKeeper ensemble on loopback. */
export interface ZooKeeperEnsemble extends AsyncDisposable {
  /** Every member's `127.0.0.1:clientPort`, comma-separated. */
  readonly connectString: string;
  /** The members, ordered by id. */
  readonly servers: readonly EnsembleMember[];
  /** Parent directory of every member's data directory. */
  readonly rootDir: string;
  /**
   * Index into `servers` of the current leader, polling `srvr` on running, unpaused
   * members until exactly one says `Mode: leader` (bounded by `timeoutMs`, default 30 s).
   */
  leader(timeoutMs?: number): Promise<number>;
  /**
   * Wait until every running, unpaused member answers `Mode: leader|follower` and exactly
   * one is leader (bounded by `timeoutMs`, default 30 s).
   */
  waitForQuorum(timeoutMs?: number): Promise<void>;
  /** Stop every member (SIGTERM, then SIGKILL) and remove all data. Idempotent. */
  stop(): Promise<void>;
}
