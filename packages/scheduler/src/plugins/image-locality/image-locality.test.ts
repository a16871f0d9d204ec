// Ported from pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go
// (TestImageLocalityPriority, TestNormalizedImageName).
import { describe, expect, it } from 'vitest';
import type { Node, PodSpec } from '../../api/types';
import { makeNode, runScore } from '../../testing/wrappers';
import { ImageLocality, normalizedImageName } from './image-locality';

const mb = 1024 * 1024;
const spec = (images: string[], init: string[] = []): PodSpec => ({ containers: images.map((i) => ({ image: i })), initContainers: init.length ? init.map((i) => ({ image: i })) : undefined });
const test40250 = spec(['gcr.io/40', 'gcr.io/250']);
const test40300 = spec(['gcr.io/40', 'gcr.io/300']);
const testMinMax = spec(['gcr.io/10', 'gcr.io/4000']);
const test300600900 = spec(['gcr.io/300', 'gcr.io/600', 'gcr.io/900']);
const test3040 = spec(['gcr.io/30', 'gcr.io/40']);
const test30Init300 = spec(['gcr.io/30'], ['gcr.io/300']);

type Images = { names: string[]; sizeBytes: number }[];
const node403002000: Images = [
  { names: ['gcr.io/40:latest', 'gcr.io/40:v1', 'gcr.io/40:v1'], sizeBytes: 40 * mb },
  { names: ['gcr.io/300:latest', 'gcr.io/300:v1'], sizeBytes: 300 * mb },
  { names: ['gcr.io/2000:latest'], sizeBytes: 2000 * mb },
];
const node25010: Images = [
  { names: ['gcr.io/250:latest'], sizeBytes: 250 * mb },
  { names: ['gcr.io/10:latest', 'gcr.io/10:v1'], sizeBytes: 10 * mb },
];
const node60040900: Images = [
  { names: ['gcr.io/600:latest'], sizeBytes: 600 * mb },
  { names: ['gcr.io/40:latest'], sizeBytes: 40 * mb },
  { names: ['gcr.io/900:latest'], sizeBytes: 900 * mb },
];
const node300600900: Images = [
  { names: ['gcr.io/300:latest'], sizeBytes: 300 * mb },
  { names: ['gcr.io/600:latest'], sizeBytes: 600 * mb },
  { names: ['gcr.io/900:latest'], sizeBytes: 900 * mb },
];
const node400030: Images = [
  { names: ['gcr.io/4000:latest'], sizeBytes: 4000 * mb },
  { names: ['gcr.io/30:latest'], sizeBytes: 30 * mb },
];
const node203040: Images = [
  { names: ['gcr.io/20:latest'], sizeBytes: 20 * mb },
  { names: ['gcr.io/30:latest'], sizeBytes: 30 * mb },
  { names: ['gcr.io/40:latest'], sizeBytes: 40 * mb },
];
const img = (name: string, images?: Images): Node => makeNode(name, undefined, { images });

const cases: { name: string; spec: PodSpec; nodes: Node[]; expected: number[] }[] = [
  { name: 'two images spread on two nodes, prefer the larger image one', spec: test40250, nodes: [img('node1', node403002000), img('node2', node25010)], expected: [0, 5] },
  { name: 'two images on one node, prefer this node', spec: test40300, nodes: [img('node1', node403002000), img('node2', node25010)], expected: [7, 0] },
  { name: 'if exceed limit, use limit', spec: testMinMax, nodes: [img('node1', node400030), img('node2', node25010)], expected: [100, 0] },
  { name: 'if exceed limit, use limit (with node which has no images present)', spec: testMinMax, nodes: [img('node1', node400030), img('node2', node25010), img('node3')], expected: [66, 0, 0] },
  { name: 'pod with multiple large images, node2 is preferred', spec: test300600900, nodes: [img('node1', node60040900), img('node2', node300600900), img('node3')], expected: [32, 36, 0] },
  { name: 'pod with multiple small images', spec: test3040, nodes: [img('node1', node203040), img('node2', node400030)], expected: [1, 0] },
  { name: 'include InitContainers: two images spread on two nodes, prefer the larger image one', spec: test30Init300, nodes: [img('node1', node403002000), img('node2', node203040)], expected: [6, 0] },
];

describe('ImageLocality (image_locality_test.go)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const pod = { metadata: { name: 'p', namespace: 'default' }, spec: structuredClone(c.spec) };
      expect(runScore(new ImageLocality(), pod, c.nodes).scores).toEqual(c.expected);
    });
  }
});

describe('normalizedImageName (TestNormalizedImageName)', () => {
  const digest = 'sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2';
  for (const [name, input, output] of [
    ['add :latest postfix 1', 'root', 'root:latest'],
    ['add :latest postfix 2', 'gcr.io:5000/root', 'gcr.io:5000/root:latest'],
    ['keep it as is 1', 'root:tag', 'root:tag'],
    ['keep it as is 2', `root@${digest}`, `root@${digest}`],
  ] as const) {
    it(name, () => expect(normalizedImageName(input)).toBe(output));
  }
});
