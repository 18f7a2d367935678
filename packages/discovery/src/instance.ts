// The JSON of Curator's ServiceInstance, as JsonInstanceSerializer writes it in its default
// ("compatible") mode: Jackson field order name, id, address, port, sslPort, payload,
// registrationTimeUTC, serviceType, uriSpec; no `enabled` (CURATOR-275: a missing
// `enabled` reads as true); the payload typed by Java class name (`@JsonTypeInfo(use = CLASS)`,
// so `"payload":{"@class":"com.example.Details",…}`).
import { InstanceDecodeError } from './errors.js';
import type { UriSpec, UriSpecPart } from './uri-spec.js';

/** How an instance node is created (Curator's `ServiceType`). */
export const ServiceType = {
  /** Ephemeral: gone with the registering session. */
  DYNAMIC: 'DYNAMIC',
  /** Persistent. */
  STATIC: 'STATIC',
  /** Persistent. */
  PERMANENT: 'PERMANENT',
  /** Ephemeral-sequential: the node name is the id plus a sequence number. */
  DYNAMIC_SEQUENTIAL: 'DYNAMIC_SEQUENTIAL',
} as const;
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];

/**
 * One registered instance of a service, field for field Curator's `ServiceInstance`.
 * Objects read from ZooKeeper also carry (under a private symbol, copied by `{ ...spread }`)
 * the JSON fields zookit does not model, so a read-modify-write keeps them.
 */
export interface ServiceInstance<P = unknown> {
  readonly name: string;
  readonly id: string;
  readonly address: string | null;
  readonly port: number | null;
  readonly sslPort: number | null;
  /** As written: a Java writer's object payload carries its class in `"@class"`. */
  readonly payload: P | null;
  /** Registration time, ms since the epoch. */
  readonly registrationTimeUTC: number;
  readonly serviceType: ServiceType;
  readonly uriSpec: UriSpec | null;
  /** `false` keeps the instance out of providers; a node without the field reads as `true`. */
  readonly enabled: boolean;
}

/** What the JSON held beyond the modelled fields, and the payload's Java class. */
interface Carried {
  readonly unknown: ReadonlyArray<readonly [string, unknown]>;
  readonly payloadClass: string | undefined;
  readonly hadEnabled: boolean;
}

/** The symbol under which an instance read from ZooKeeper carries {@link Carried}. */
const CARRIED: unique symbol = Symbol('zookit.discovery.carried');

const KNOWN = new Set(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'registrationTimeUTC', 'serviceType', 'uriSpec', 'enabled']);
const TYPES = new Set<string>(Object.values(ServiceType));

/** The `@class` of a payload, if it is an object that has one. */
function payloadClassOf(payload: unknown): string | undefined {
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    const c = (payload as Record<string, unknown>)['@class'];
    if (typeof c === 'string') return c;
  }
  return undefined;
}

/**
 * The bytes Curator writes for `instance`. A plain-object payload without `"@class"` gets
 * one as its first property: `classes.payloadClass`, else the class the payload had when
 * read, else `classes.defaultPayloadClass`.
 */
export function serializeInstance(instance: ServiceInstance, classes: { payloadClass?: string | undefined; defaultPayloadClass?: string | undefined } = {}): Buffer {
  const carried = (instance as { [CARRIED]?: Carried })[CARRIED];
  let payload: unknown = instance.payload;
  const cls = classes.payloadClass ?? carried?.payloadClass ?? classes.defaultPayloadClass;
  if (cls !== undefined && payload && typeof payload === 'object' && !Array.isArray(payload) && payloadClassOf(payload) === undefined) {
    payload = { '@class': cls, ...(payload as object) };
  }
  const out: Record<string, unknown> = {
    name: instance.name,
    id: instance.id,
    address: instance.address,
    port: instance.port,
    sslPort: instance.sslPort,
    payload: payload ?? null,
    registrationTimeUTC: instance.registrationTimeUTC,
    serviceType: instance.serviceType,
    uriSpec: instance.uriSpec ? { parts: instance.uriSpec.parts.map((p) => ({ value: p.value, variable: p.variable })) } : null,
  };
  // Curator's compatible mode omits `enabled`; write it only when it says something.
  if (!instance.enabled || carried?.hadEnabled) out['enabled'] = instance.enabled;
  for (const [k, v] of carried?.unknown ?? []) if (!(k in out)) out[k] = v;
  return Buffer.from(JSON.stringify(out), 'utf8');
}

/**
 * Decodes an instance node's data.
 * @throws InstanceDecodeError empty data, not JSON, not an object, or a field of the wrong type
 */
export function parseInstance(path: string, data: Buffer | Uint8Array): ServiceInstance {
  if (data.length === 0) throw new InstanceDecodeError(path, 'empty data');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch (err) {
    throw new InstanceDecodeError(path, 'not JSON', { cause: err });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InstanceDecodeError(path, 'not a JSON object');
  const o = raw as Record<string, unknown>;
  const bad = (field: string, want: string) => new InstanceDecodeError(path, `"${field}" must be ${want}`);
  const str = (f: string, dflt: string | null) => {
    const v = o[f];
    if (v === undefined) return dflt;
    if (v === null && dflt === null) return null;
    if (typeof v !== 'string') throw bad(f, dflt === null ? 'a string or null' : 'a string');
    return v;
  };
  const int = (f: string) => {
    const v = o[f];
    if (v === undefined || v === null) return null;
    if (!Number.isInteger(v)) throw bad(f, 'an integer or null');
    return v as number;
  };
  const serviceType = o['serviceType'] ?? ServiceType.DYNAMIC;
  if (typeof serviceType !== 'string' || !TYPES.has(serviceType)) throw bad('serviceType', `one of ${[...TYPES].join(', ')}`);
  const time = o['registrationTimeUTC'] ?? 0;
  if (typeof time !== 'number' || !Number.isFinite(time)) throw bad('registrationTimeUTC', 'a number');
  const enabled = o['enabled'] ?? true;
  if (typeof enabled !== 'boolean') throw bad('enabled', 'a boolean');
  const instance: ServiceInstance & { [CARRIED]: Carried } = {
    name: str('name', '') as string,
    id: str('id', '') as string,
    address: str('address', null),
    port: int('port'),
    sslPort: int('sslPort'),
    payload: o['payload'] ?? null,
    registrationTimeUTC: time,
    serviceType: serviceType as ServiceType,
    uriSpec: parseUriSpec(o['uriSpec'], () => bad('uriSpec', 'null or {"parts":[{"value":string,"variable":boolean},…]}')),
    enabled,
    [CARRIED]: {
      unknown: Object.entries(o).filter(([k]) => !KNOWN.has(k)),
      payloadClass: payloadClassOf(o['payload']),
      hadEnabled: 'enabled' in o,
    },
  };
  return instance;
}

function parseUriSpec(v: unknown, bad: () => Error): UriSpec | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad();
  const parts = (v as { parts?: unknown }).parts ?? [];
  if (!Array.isArray(parts)) throw bad();
  const out: UriSpecPart[] = parts.map((p: unknown) => {
    const { value = '', variable = false } = (p ?? {}) as { value?: unknown; variable?: unknown };
    if (typeof value !== 'string' || typeof variable !== 'boolean') throw bad();
    return { value, variable };
  });
  return { parts: out };
}
