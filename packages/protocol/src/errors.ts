/**
 * The root of zookit's error tree, and the errors of the wire layer. `@zookit/client`
 * re-exports these and builds the rest of the tree on {@link ZooKitError}.
 */

/** Base class of every error zookit throws. */
export class ZooKitError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad bytes came from the network; the connection was dropped. */
export class ProtocolError extends ZooKitError {}

/** A record in the frame claims more bytes than the frame holds, or is malformed. */
export class JuteDecodeError extends ProtocolError {}
