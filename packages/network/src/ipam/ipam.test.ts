import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldError } from '../errors';
import { CidrSet, parseCidr } from './cidr-set';
import { Ipam, TOWER_FLEET_IPAM, towerFleetIpam } from './ipam';

describe('Tower Fleet IPAM', () => {
  it('splits 10.42.0.0/16 into /24s in registration order, as the seed shows', () => {
    const ipam = towerFleetIpam();
    expect(ipam.nodes_()).toEqual([
      { name: 'k3s-master', nodeIP: '10.89.97.201', podCIDR: '10.42.0.0/24' },
      { name: 'k3s-worker-1', nodeIP: '10.89.97.202', podCIDR: '10.42.1.0/24' },
      { name: 'k3s-worker-2', nodeIP: '10.89.97.203', podCIDR: '10.42.2.0/24' },
    ]);
  });
  it('gives cni0 .1 and pods .2, .3, … (host-local)', () => {
    const ipam = new Ipam(TOWER_FLEET_IPAM);
    expect(ipam.registerNode('n1', '10.89.97.201')).toEqual({ podCIDR: '10.42.0.0/24', cni0: '10.42.0.1' });
    expect(ipam.allocatePodIP('n1', 'a')).toBe('10.42.0.2');
    expect(ipam.allocatePodIP('n1', 'b')).toBe('10.42.0.3');
    expect(ipam.allocatePodIP('n1', 'c', '10.42.0.9')).toBe('10.42.0.9');
    expect(ipam.allocatePodIP('n1', 'd')).toBe('10.42.0.10');
  });
  it('kubernetes is 10.43.0.1 and kube-dns 10.43.0.10; others are not handed out twice', () => {
    const ipam = towerFleetIpam();
    expect(() => ipam.allocateServiceIP('x', '10.43.0.1')).toThrow('spec.clusterIP: Invalid value: "10.43.0.1": provided IP is already allocated');
    expect(() => ipam.allocateServiceIP('x', '10.43.0.10')).toThrow(/already allocated/);
    expect(ipam.allocateServiceIP('default/api')).toBe('10.43.0.2');
  });
  it('errors name the field and value', () => {
    const ipam = towerFleetIpam();
    expect(() => ipam.allocateServiceIP('x', '10.43.0.300')).toThrow('spec.clusterIP: Invalid value: "10.43.0.300": must be a valid IPv4 address');
    expect(() => ipam.allocateServiceIP('x', '10.44.0.5')).toThrow('provided IP is not in the valid range. The range of valid IPs is 10.43.0.0/16');
    expect(() => new Ipam({ ...TOWER_FLEET_IPAM, serviceCidr: '10.42.128.0/17' })).toThrow('clusterCIDR: Invalid value: "10.42.0.0/16": must not overlap with serviceCIDR 10.42.128.0/17');
    expect(() => parseCidr('10.42.0.1/16', 'clusterCIDR')).toThrow(/no host bits set; did you mean 10.42.0.0\/16/);
    expect(() => parseCidr('10.42.0.0/33', 'clusterCIDR')).toThrow(FieldError);
    expect(() => ipam.registerNode('k3s-worker-3', '10.89.98.1')).toThrow(/must be inside the node network/);
  });
  it('exhaustion is an error', () => {
    const set = new CidrSet('10.42.0.0/23', 24);
    set.allocateNext();
    set.allocateNext();
    expect(() => set.allocateNext()).toThrow(/no remaining CIDRs/);
    const ipam = new Ipam({ nodeNetwork: '10.89.97.0/24', clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16', nodeCidrMaskSize: 29 });
    ipam.registerNode('n', '10.89.97.1');
    for (let i = 0; i < 5; i++) ipam.allocatePodIP('n', `p${i}`);
    expect(() => ipam.allocatePodIP('n', 'x')).toThrow('no IP addresses available in range set: 10.42.0.2-10.42.0.6');
  });
  it('property: never hands out an address twice (pods, with releases)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('alloc' as const), fc.nat(300)), { maxLength: 400 }), (ops) => {
        const ipam = new Ipam({ nodeNetwork: '10.89.97.0/24', clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16' });
        ipam.registerNode('n', '10.89.97.1');
        const live = new Set<string>();
        const order: string[] = [];
        for (const op of ops) {
          if (op === 'alloc') {
            if (live.size >= 253) continue;
            const ip = ipam.allocatePodIP('n', 'p');
            expect(live.has(ip)).toBe(false);
            expect(ip === '10.42.0.1' || ip === '10.42.0.0' || ip === '10.42.0.255').toBe(false);
            live.add(ip);
            order.push(ip);
          } else if (order.length > 0) {
            const ip = order.splice(op % order.length, 1)[0]!;
            ipam.releasePodIP('n', ip);
            live.delete(ip);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
  it('property: never hands out a ClusterIP twice (dynamic and requested, with releases)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('alloc' as const), fc.integer({ min: 1, max: 40 }).map((n) => ({ want: `10.43.250.${n}` })), fc.nat(500)), { maxLength: 300 }), (ops) => {
        // a /24 service range keeps it small enough to fill
        const ipam = new Ipam({ nodeNetwork: '10.89.97.0/24', clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.250.0/24', clusterDns: '10.43.250.10' });
        const live = new Set<string>(['10.43.250.1', '10.43.250.10']);
        const mine: string[] = [];
        for (const op of ops) {
          if (op === 'alloc') {
            if (live.size >= 254) continue;
            const got = ipam.allocateServiceIP('s');
            expect(live.has(got)).toBe(false);
            live.add(got);
            mine.push(got);
          } else if (typeof op === 'object') {
            if (live.has(op.want)) expect(() => ipam.allocateServiceIP('s', op.want)).toThrow(/already allocated/);
            else {
              expect(ipam.allocateServiceIP('s', op.want)).toBe(op.want);
              live.add(op.want);
              mine.push(op.want);
            }
          } else if (mine.length > 0) {
            const ip = mine.splice(op % mine.length, 1)[0]!;
            ipam.releaseServiceIP(ip);
            live.delete(ip);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
  it('property: node CIDRs are distinct and inside the cluster CIDR', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), (n) => {
        const set = new CidrSet('10.42.0.0/16', 24);
        const seen = new Set<string>();
        for (let i = 0; i < n; i++) {
          const c = set.allocateNext();
          expect(seen.has(c.text)).toBe(false);
          expect(c.text.startsWith('10.42.')).toBe(true);
          seen.add(c.text);
        }
      }),
      { numRuns: 30 },
    );
  });
});
