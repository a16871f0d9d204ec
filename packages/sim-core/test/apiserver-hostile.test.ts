/**
 * Hostile input at kube-apiserver's door: malformed JSON, bytes that are not Kubernetes
 * protobuf, media types it does not speak, fields a kind does not have under
 * fieldValidation=Strict, invalid objects, unknown paths. Each gets an upstream-shaped Status and
 * leaves the store as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRONT_DOOR_RESPONSE, makeFrontDoor } from '../src/client/front-door';
import { Simulation } from '../src/kernel/simulation';
import { ms, seconds } from '../src/kernel/time';
import { ADMIN_CERT } from '../src/scenarios/tower-fleet';

function lab() {
  const sim = new Simulation('tower-fleet-fresh', { seed: 8, setup: (k, b) => k.spawn('laptop', 'test-client', makeFrontDoor(b.processes.apiserver, '127.0.0.1')) });
  sim.runUntil(seconds(1));
  let next = 1;
  const call = (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const reqId = next++;
    sim.addInput({ atUs: sim.now, type: 'command', to: 'laptop/test-client', kind: 'http', payload: { reqId, realConn: 'c1', remote: '10.89.97.10:5000', method, path, headers: { Accept: 'application/json', 'Content-Type': contentType }, ...(body !== undefined ? { body } : {}), cert: ADMIN_CERT } });
    const find = () => sim.trace.entries.find((e) => e.type === 'note' && e.kind === FRONT_DOOR_RESPONSE && (e.data as { reqId: number }).reqId === reqId);
    let res = undefined as ReturnType<typeof find>;
    for (let i = 0; i < 100 && !(res = find()); i++) sim.runFor(ms(10));
    return res!.data as { status: number; body: any };
  };
  const deployments = () => (call('GET', '/apis/apps/v1/namespaces/default/deployments').body.items as any[]).map((d) => d.metadata.name);
  return { call, deployments };
}

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
const good = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });

describe('hostile input gets upstream-shaped errors and changes nothing', () => {
  const { call, deployments } = lab();

  it('malformed JSON: 400 BadRequest', () => {
    const r = call('POST', DEPLOY, { $raw: '{"apiVersion": "apps/v1", "kind": ', contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    expect(r.body.message).toMatch(/^couldn't get version\/kind; json parse error: /);
  });

  it('bytes that are not Kubernetes protobuf: 400 with the serializer\'s words', () => {
    const r = call('POST', DEPLOY, { $base64: btoa('{"kind":"Deployment"}'), contentType: 'application/vnd.kubernetes.protobuf' });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  });

  it('a media type the server does not speak: 415 UnsupportedMediaType', () => {
    const r = call('POST', DEPLOY, { $base64: btoa('name: x'), contentType: 'text/csv' });
    expect(r.status).toBe(415);
    expect(r.body.reason).toBe('UnsupportedMediaType');
    expect(r.body.message).toBe('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  });

  it('unknown fields under fieldValidation=Strict: 400 naming every one, with its path', () => {
    const body: any = good('strict');
    body.spec.replicaz = 2;
    body.spec.template.spec.containers[0].imagez = 'x';
    const r = call('POST', `${DEPLOY}?fieldValidation=Strict`, body);
    expect(r.status).toBe(400);
    // In document order: replicaz was added after template.
    expect(r.body.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagez", unknown field "spec.replicaz"');
  });

  it('invalid objects: 422 Invalid with field paths', () => {
    const bad: any = good('bad');
    bad.spec.selector.matchLabels = { app: 'other' };
    const r = call('POST', DEPLOY, bad);
    expect(r.status).toBe(422);
    expect(r.body.reason).toBe('Invalid');
    expect(r.body.message).toBe('Deployment.apps "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"bad"}: `selector` does not match template `labels`');
  });

  it('unknown paths and resources: 404 NotFound', () => {
    expect(call('GET', '/apis/apps/v1/namespaces/default/frobnicators').status).toBe(404);
    expect(call('GET', '/nope').body.message).toBe('the server could not find the requested resource');
  });

  it('property: no malformed or invalid create leaves anything behind', () => {
    const mangle = fc.oneof(
      fc.string().map((s) => ({ body: { $raw: s.length ? `{${s}` : '', contentType: 'application/json' } })),
      fc.uint8Array({ maxLength: 40 }).map((b) => ({ body: { $base64: btoa(String.fromCharCode(...b)), contentType: 'application/vnd.kubernetes.protobuf' } })),
      fc.integer({ min: -100, max: -1 }).map((n) => ({ body: { ...good('neg'), spec: { ...good('neg').spec, replicas: n } } })),
      fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)).map((n) => ({ body: good(n) })),
    );
    fc.assert(
      fc.property(mangle, ({ body }) => {
        const r = call('POST', DEPLOY, body);
        expect([400, 415, 422]).toContain(r.status);
        expect(r.body.kind).toBe('Status');
        expect(deployments()).toEqual([]);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
