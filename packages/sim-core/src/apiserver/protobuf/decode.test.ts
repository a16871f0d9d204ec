import { describe, expect, it } from 'vitest';
import { decodeK8sProtobuf, ProtobufDecodeError, unknownJsonFields } from './decode';

const hex = (h: string) => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));

// `kubectl create deployment nginx --image=nginx --replicas=3`, byte-identical from kubectl
// 1.32.4, 1.32.5 and 1.33.1 (../shared/references/kubectl-wire.md §4.10), 213 bytes.
const CREATE_DEPLOYMENT =
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b3010a230a056e67696e7812001a0022002a003200380042005a0c0a0361707012056e67696e78127e0803120e0a0c0a0361707012056e67696e781a620a1e0a0012001a0022002a003200380042005a0c0a0361707012056e67696e78124012220a056e67696e7812056e67696e782a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200';

describe('Kubernetes protobuf request bodies', () => {
  it('kubectl 1.32+ create deployment decodes to the same object kubectl 1.27–1.31 sends as JSON', () => {
    const bytes = hex(CREATE_DEPLOYMENT);
    expect(bytes.length).toBe(213);
    // kubectl 1.31's JSON body, without the zero values Go's omitempty drops (creationTimestamp: null).
    expect(decodeK8sProtobuf(bytes)).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'nginx', labels: { app: 'nginx' } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } }, strategy: {} },
      status: {},
    });
  });

  it('--replicas=0 is kept: a pointer field written on purpose', () => {
    // Same message with the replicas varint (08 03) changed to 08 00.
    const bytes = hex(CREATE_DEPLOYMENT.replace('127e0803120e', '127e0800120e'));
    expect((decodeK8sProtobuf(bytes).spec as { replicas: number }).replicas).toBe(0);
  });

  it('a body without the k8s\\0 magic is refused in the serializer\'s words', () => {
    expect(() => decodeK8sProtobuf(new TextEncoder().encode('{"kind":"Deployment"}'))).toThrow(new ProtobufDecodeError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]'));
  });

  it('a kind no scheme knows is refused, naming it', () => {
    // typeMeta {apiVersion "apps/v1", kind "Frobnicator"}, empty raw
    const enc = new TextEncoder();
    const tm = [0x0a, 7, ...enc.encode('apps/v1'), 0x12, 11, ...enc.encode('Frobnicator')];
    const bytes = new Uint8Array([0x6b, 0x38, 0x73, 0x00, 0x0a, tm.length, ...tm]);
    expect(() => decodeK8sProtobuf(bytes)).toThrow('no kind "Frobnicator" is registered for version "apps/v1"');
  });
});

describe('inline-embedded Go structs', () => {
  it('a pod volume\'s source, a probe\'s handler and a PV\'s source are JSON fields of their parent, not unknown', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x', livenessProbe: { httpGet: { path: '/', port: 80 } }, env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } };
    expect(unknownJsonFields('v1', 'Pod', pod)).toEqual([]);
    expect(unknownJsonFields('v1', 'PersistentVolume', { spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/data' }, bogus: 1 } })).toEqual(['spec.bogus']);
  });
});
