import { InvalidArgumentError } from '@zookit/client';

/** One token of a {@link UriSpec}: literal text, or the name of a replacement field. */
export interface UriSpecPart {
  readonly value: string;
  readonly variable: boolean;
}

/** Curator's `UriSpec`: a URL template as the list of parts it serialises (`{"parts":[…]}`). */
export interface UriSpec {
  readonly parts: readonly UriSpecPart[];
}

/** What {@link buildUri} reads from an instance for the predefined fields. */
export interface UriFields {
  readonly name?: string | null;
  readonly id?: string | null;
  readonly address?: string | null;
  readonly port?: number | null;
  readonly sslPort?: number | null;
  readonly registrationTimeUTC?: number | null;
  readonly serviceType?: string | null;
  readonly uriSpec?: UriSpec | null;
}

/**
 * Parses a URL template the way Curator's `UriSpec(String)` does: `{field}` is a
 * replacement field (name trimmed), everything else literal. `{[}` and `{]}` stand for
 * literal braces.
 *
 * ```ts
 * uriSpec('{scheme}://{address}:{port}/orders');
 * ```
 * @throws InvalidArgumentError a nested `{`, a `}` without `{`, or an unclosed field
 */
export function uriSpec(template: string): UriSpec {
  if (typeof template !== 'string') throw new InvalidArgumentError('uriSpec', 'must be a string');
  const parts: UriSpecPart[] = [];
  let inside = false;
  for (const token of template.split(/([{}])/)) {
    if (token === '') continue;
    if (token === '{') {
      if (inside) throw new InvalidArgumentError('uriSpec', '{ is not allowed inside of a variable specification');
      inside = true;
    } else if (token === '}') {
      if (!inside) throw new InvalidArgumentError('uriSpec', '} must be preceded by {');
      inside = false;
    } else {
      parts.push({ value: inside ? token.trim() : token, variable: inside });
    }
  }
  if (inside) throw new InvalidArgumentError('uriSpec', 'final variable not closed - expected }');
  return { parts };
}

/**
 * Builds an instance's URL from its `uriSpec` (or from `spec`), with Curator's fields:
 * `scheme` (`https` when the instance has an `sslPort`, else `http`), `name`, `id`,
 * `address`, `port`, `ssl-port`, `registration-time-utc`, `service-type` (lower case),
 * `[` and `]`. `variables` override them; an unknown field becomes the empty string.
 *
 * ```ts
 * const url = buildUri(instance); // 'http://10.0.0.7:8080'
 * ```
 */
export function buildUri(instance: UriFields | null, variables: Readonly<Record<string, unknown>> = {}, spec?: UriSpec | string): string {
  const s = typeof spec === 'string' ? uriSpec(spec) : (spec ?? instance?.uriSpec);
  if (!s) return '';
  const vars: Record<string, unknown> = { '[': '{', ']': '}', scheme: 'http' };
  if (instance) {
    const orEmpty = (v: unknown) => v ?? '';
    Object.assign(vars, {
      name: orEmpty(instance.name),
      id: orEmpty(instance.id),
      address: orEmpty(instance.address),
      port: orEmpty(instance.port),
      'ssl-port': orEmpty(instance.sslPort),
      'registration-time-utc': orEmpty(instance.registrationTimeUTC),
      'service-type': instance.serviceType ? instance.serviceType.toLowerCase() : '',
    });
    if (instance.sslPort != null) vars['scheme'] = 'https';
  }
  Object.assign(vars, variables);
  let out = '';
  for (const p of s.parts) {
    if (!p.variable) out += p.value;
    else if (vars[p.value] != null) out += String(vars[p.value]);
  }
  return out;
}
