import { ZooKitError } from '@zookit/client';

/**
 * An instance node whose data is not a Curator `ServiceInstance` (empty, not JSON, or a
 * field of the wrong type). Queries and caches skip the node and report this error.
 */
export class InstanceDecodeError extends ZooKitError {
  /** The instance node's path. */
  readonly path: string;
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(`not a service instance: ${path} (${problem})`, options);
    this.path = path;
  }
}

/** A discovery method was called in a state where it cannot work (before `start()`, after `close()`, an unknown instance). */
export class DiscoveryStateError extends ZooKitError {}
