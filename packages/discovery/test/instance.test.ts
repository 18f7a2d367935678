// The JSON of a ServiceInstance, byte for byte as Curator 5.4's JsonInstanceSerializer writes
// it (the golden strings below were written by Curator 5.4 through test/peers/DiscoveryPeer).
import { InvalidArgumentError } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { buildUri, InstanceDecodeError, parseInstance, serializeInstance, uriSpec, type ServiceInstance } from '../src/index.js';

const SPEC = '{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},{"value":"address","variable":true},{"value":":","variable":false},{"value":"port","variable":true},{"value":"/x","variable":false}]}';
const CURATOR_MAP = `{"name":"orders","id":"a1","address":"127.0.0.1","port":8080,"sslPort":null,"payload":{"@class":"java.util.LinkedHashMap","zone":"a"},"registrationTimeUTC":1795702208921,"serviceType":"DYNAMIC","uriSpec":${SPEC}}`;
const CURATOR_SPRING = `{"name":"orders","id":"a3","address":"127.0.0.1","port":8082,"sslPort":null,"payload":{"@class":"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance","id":"a3","name":"orders","metadata":{"zone":"a"}},"registrationTimeUTC":1795702209160,"serviceType":"DYNAMIC","uriSpec":${SPEC}}`;
const CURATOR_NULL = `{"name":"orders","id":"a4","address":"127.0.0.1","port":8083,"sslPort":null,"payload":null,"registrationTimeUTC":1795702209170,"serviceType":"DYNAMIC","uriSpec":${SPEC}}`;

const bytes = (s: string) => Buffer.from(s, 'utf8');
/** The modelled fields only (an instance read from ZooKeeper also carries its unknown JSON under a symbol). */
const fields = (i: ServiceInstance) => Object.fromEntries(Object.entries(i));

describe('ServiceInstance JSON', () => {
  it('reads what Curator writes, field for field', () => {
    const i = parseInstance('/s/orders/a1', bytes(CURATOR_MAP));
    expect(fields(i)).toEqual({
      name: 'orders', id: 'a1', address: '127.0.0.1', port: 8080, sslPort: null,
      payload: { '@class': 'java.util.LinkedHashMap', zone: 'a' },
      registrationTimeUTC: 1795702208921, serviceType: 'DYNAMIC', uriSpec: uriSpec('{scheme}://{address}:{port}/x'), enabled: true,
    });
  });

  it('writes back exactly the bytes Curator wrote, for every payload shape', () => {
    for (const s of [CURATOR_MAP, CURATOR_SPRING, CURATOR_NULL]) {
      expect(serializeInstance(parseInstance('/p', bytes(s))).toString('utf8')).toBe(s);
    }
  });

  it('writes a new instance in Curator\'s field order, without enabled (compatible mode)', () => {
    const i: ServiceInstance = {
      name: 'orders', id: 'a4', address: '127.0.0.1', port: 8083, sslPort: null, payload: null,
      registrationTimeUTC: 1795702209170, serviceType: 'DYNAMIC', uriSpec: uriSpec('{scheme}://{address}:{port}/x'), enabled: true,
    };
    expect(serializeInstance(i).toString('utf8')).toBe(CURATOR_NULL);
  });

  it('keeps unknown fields and an explicit enabled through a read-modify-write (spread)', () => {
    const withExtra = CURATOR_MAP.replace('"uriSpec"', '"extra":{"k":[1,2]},"uriSpec"').replace(/}$/, ',"enabled":false,"zz":"last"}');
    const read = parseInstance('/p', bytes(withExtra));
    expect(read.enabled).toBe(false);
    const modified = { ...read, port: 9090 };
    const json = JSON.parse(serializeInstance(modified).toString('utf8'));
    expect(json).toMatchObject({ port: 9090, extra: { k: [1, 2] }, zz: 'last', enabled: false });
    expect(Object.keys(json).slice(0, 9)).toEqual(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'registrationTimeUTC', 'serviceType', 'uriSpec']);
  });

  it('keeps the payload class when the payload is replaced by an object without one', () => {
    const read = parseInstance('/p', bytes(CURATOR_SPRING));
    const replaced = { ...read, payload: { id: 'a3', name: 'orders', metadata: { zone: 'b' } } };
    const json = JSON.parse(serializeInstance(replaced).toString('utf8'));
    expect(json.payload).toEqual({ '@class': 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance', id: 'a3', name: 'orders', metadata: { zone: 'b' } });
    expect(Object.keys(json.payload)[0]).toBe('@class');
  });

  it('adds payloadClass to an object payload without @class, and never overrides one', () => {
    const base = parseInstance('/p', bytes(CURATOR_NULL));
    const plain = serializeInstance({ ...base, payload: { zone: 'a' } }, { defaultPayloadClass: 'java.util.LinkedHashMap' });
    expect(JSON.parse(plain.toString()).payload).toEqual({ '@class': 'java.util.LinkedHashMap', zone: 'a' });
    const own = serializeInstance({ ...base, payload: { '@class': 'com.example.D', zone: 'a' } }, { payloadClass: 'java.util.HashMap' });
    expect(JSON.parse(own.toString()).payload['@class']).toBe('com.example.D');
    const scalar = serializeInstance({ ...base, payload: ['java.lang.String', 'x'] }, { payloadClass: 'java.util.HashMap' });
    expect(JSON.parse(scalar.toString()).payload).toEqual(['java.lang.String', 'x']);
  });

  it('reads a missing enabled as true and missing fields as Curator\'s defaults', () => {
    const i = parseInstance('/p', bytes('{"name":"n","id":"i"}'));
    expect(i).toMatchObject({ address: null, port: null, sslPort: null, payload: null, registrationTimeUTC: 0, serviceType: 'DYNAMIC', uriSpec: null, enabled: true });
  });

  it('refuses empty, non-JSON and mistyped data with InstanceDecodeError naming the path', () => {
    for (const bad of ['', 'not json', '[1]', '"s"', '{"port":"80"}', '{"serviceType":"ODD"}', '{"enabled":"yes"}', '{"uriSpec":{"parts":[{"value":1}]}}']) {
      const err = (() => {
        try {
          parseInstance('/s/orders/x', bytes(bad));
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(InstanceDecodeError);
      expect((err as InstanceDecodeError).path).toBe('/s/orders/x');
    }
  });
});

describe('uriSpec and buildUri', () => {
  it('parse templates as Curator does', () => {
    expect(uriSpec('{scheme}://foo.com:{ port }').parts).toEqual([
      { value: 'scheme', variable: true }, { value: '://foo.com:', variable: false }, { value: 'port', variable: true },
    ]);
    for (const bad of ['{a{b}}', 'a}', '{open']) expect(() => uriSpec(bad)).toThrow(InvalidArgumentError);
  });

  it('build URLs with the predefined fields, https for an sslPort, overrides and literal braces', () => {
    const i = { name: 'orders', id: 'x', address: '10.0.0.7', port: 8080, sslPort: null, registrationTimeUTC: 5, serviceType: 'DYNAMIC', uriSpec: uriSpec('{scheme}://{address}:{port}/{name}/{id}') };
    expect(buildUri(i)).toBe('http://10.0.0.7:8080/orders/x');
    expect(buildUri({ ...i, sslPort: 8443 }, {}, '{scheme}://{address}:{ssl-port}')).toBe('https://10.0.0.7:8443');
    expect(buildUri(i, { port: 1 }, '{address}:{port} {[}{service-type}{]} {registration-time-utc}{nope}')).toBe('10.0.0.7:1 {dynamic} 5');
    expect(buildUri({ ...i, uriSpec: null })).toBe('');
  });
});
