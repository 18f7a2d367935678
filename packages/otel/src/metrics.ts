import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';

/** Bucket boundaries (s) the conventions advise for `db.client.operation.duration`. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
const WAIT_BUCKETS = [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

/** The instruments, created once per `instrument()`. */
export class Instruments {
  readonly duration: Histogram;
  readonly outstanding: UpDownCounter;
  readonly connections: UpDownCounter;
  readonly reconnects: Counter;
  readonly expiries: Counter;
  readonly lockWait: Histogram;
  readonly lockHold: Histogram;

  constructor(meter: Meter) {
    this.duration = meter.createHistogram('db.client.operation.duration', {
      description: 'Duration of database client operations.', unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.outstanding = meter.createUpDownCounter('zookit.client.requests.outstanding', {
      description: 'Requests sent or queued and not answered yet.', unit: '{request}',
    });
    this.connections = meter.createUpDownCounter('zookit.client.connections', {
      description: 'Clients by connection state (CONNECTED, READ_ONLY, SUSPENDED); a LOST client is not counted.', unit: '{client}',
    });
    this.reconnects = meter.createCounter('zookit.client.reconnects', {
      description: 'Connections re-established after the first (the session resumed, or a new one after an expiry).', unit: '{reconnect}',
    });
    this.expiries = meter.createCounter('zookit.client.session.expiries', {
      description: 'Sessions expired (by the server) or lost (by the client\'s clock while disconnected).', unit: '{session}',
    });
    this.lockWait = meter.createHistogram('zookit.recipe.lock.wait.duration', {
      description: 'Time from the start of an acquire to the lease (locks, semaphores, elections).', unit: 's', advice: { explicitBucketBoundaries: WAIT_BUCKETS },
    });
    this.lockHold = meter.createHistogram('zookit.recipe.lock.hold.duration', {
      description: 'Time a lease was held, until released or lost.', unit: 's', advice: { explicitBucketBoundaries: WAIT_BUCKETS },
    });
  }
}
