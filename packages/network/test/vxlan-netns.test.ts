/**
 * Real kernel: the seed's topology in network namespaces this suite creates — an underlay bridge
 * with three node namespaces (10.89.97.201–203), each with flannel.1 (VXLAN id 1, dstport 8472,
 * nolearning, MTU 1450, 10.42.X.0/32) and cni0 (10.42.X.1/24), the neigh/fdb/route entries flannel
 * installs (from the model's remoteEntries), and the nginx (10.42.1.5) and api (10.42.2.8) pods on
 * veth. The nginx pod sends a datagram to the api pod; tshark captures the underlay; the real frame
 * is compared byte for byte with the model's encapsulation of the same inner packet (the seeded
 * fields — outer IP ID and UDP source port — taken from the real frame), and tshark's dissection of
 * the model's pcap is compared with its dissection of the real capture.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decapsulate, decodeEthernet, decodeIPv4, encapsulate, encodeEthernet, encodeIPv4, encodeUdp, ETH_P_IP, IPPROTO_UDP, mulberry32, podToPod, readPcap, remoteEntries, toHex, towerFleetFlannelNodes, TOWER_FLEET_EXAMPLE3, udpFlowSrcPort, writePcap } from '../src/index';
import { deleteNamespaces, kernelSkipReason, nsExec, PREFIX, sh } from './kernel-env';

const skip = kernelSkipReason(['ip', 'bridge', 'tshark']);
const UL = `${PREFIX}-ul`;
const nodes = towerFleetFlannelNodes();
const nodeNs = (i: number) => `${PREFIX}-n${i}`;
const POD1 = `${PREFIX}-nginx`;
const POD2 = `${PREFIX}-api`;
const made: string[] = [];
const procs: ChildProcess[] = [];
let dir = '';

function tshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(skip !== null)('real VXLAN between the seed’s nodes (netns + tshark)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kl-vxlan-'));
    const all = [UL, ...nodes.map((_, i) => nodeNs(i)), POD1, POD2];
    deleteNamespaces(all);
    for (const n of all) {
      sh('ip', ['netns', 'add', n]);
      made.push(n);
      nsExec(n, 'ip', ['link', 'set', 'lo', 'up']);
    }
    nsExec(UL, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
    nsExec(UL, 'ip', ['link', 'set', 'br0', 'up']);
    nodes.forEach((n, i) => {
      const ns = nodeNs(i);
      const c = n.podCIDR.split('/')[0]!;
      const cni0 = c.replace(/\.0$/, '.1');
      sh('ip', ['link', 'add', 'eth0', 'netns', ns, 'address', n.nicMac!, 'type', 'veth', 'peer', 'name', `ul${i}`, 'netns', UL]);
      nsExec(UL, 'ip', ['link', 'set', `ul${i}`, 'master', 'br0', 'up']);
      nsExec(ns, 'ip', ['addr', 'add', `${n.publicIP}/24`, 'dev', 'eth0']);
      nsExec(ns, 'ip', ['link', 'set', 'eth0', 'up']);
      nsExec(ns, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
      nsExec(ns, 'ip', ['link', 'add', 'flannel.1', 'address', n.vtepMac, 'mtu', '1450', 'type', 'vxlan', 'id', '1', 'local', n.publicIP, 'dev', 'eth0', 'dstport', '8472', 'nolearning']);
      nsExec(ns, 'ip', ['addr', 'add', `${c}/32`, 'dev', 'flannel.1']);
      nsExec(ns, 'ip', ['link', 'set', 'flannel.1', 'up']);
      nsExec(ns, 'ip', ['link', 'add', 'cni0', 'address', TOWER_FLEET_EXAMPLE3.cni0Mac[n.name]!, 'mtu', '1450', 'type', 'bridge']);
      nsExec(ns, 'ip', ['addr', 'add', `${cni0}/24`, 'dev', 'cni0']);
      nsExec(ns, 'ip', ['link', 'set', 'cni0', 'up']);
      for (const r of nodes.filter((x) => x.name !== n.name)) {
        for (const e of remoteEntries(n, r)) {
          if (e.kind === 'neigh') nsExec(ns, 'ip', ['neigh', 'replace', e.ip, 'lladdr', e.lladdr, 'dev', e.dev, 'nud', 'permanent']);
          if (e.kind === 'fdb') nsExec(ns, 'bridge', ['fdb', 'append', e.mac, 'dev', e.dev, 'dst', e.dst, 'self', 'permanent']);
          if (e.kind === 'route') nsExec(ns, 'ip', ['route', 'replace', e.dst, 'via', e.via, 'dev', e.dev, 'onlink']);
        }
      }
    });
    const pods = [
      { ...TOWER_FLEET_EXAMPLE3.clientPod, ns: POD1, idx: 1 },
      { ...TOWER_FLEET_EXAMPLE3.serverPod, ns: POD2, idx: 2 },
    ];
    for (const p of pods) {
      const gw = nodes[p.idx]!.podCIDR.replace(/\.0\/24$/, '.1');
      sh('ip', ['link', 'add', `veth${p.idx}`, 'netns', nodeNs(p.idx), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', p.ns]);
      nsExec(nodeNs(p.idx), 'ip', ['link', 'set', `veth${p.idx}`, 'master', 'cni0', 'mtu', '1450', 'up']);
      nsExec(p.ns, 'ip', ['link', 'set', 'eth0', 'address', p.mac, 'mtu', '1450', 'up']);
      nsExec(p.ns, 'ip', ['addr', 'add', `${p.ip}/24`, 'dev', 'eth0']);
      nsExec(p.ns, 'ip', ['route', 'add', 'default', 'via', gw]);
    }
  });

  afterAll(() => {
    for (const p of procs) if (p.pid && p.exitCode === null) try { process.kill(p.pid); } catch { /* gone */ }
    deleteNamespaces(made);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the real flannel.1 frame equals the model’s encapsulation byte for byte (apart from the seeded IP ID and source port)', async () => {
    const pcapFile = join(dir, 'real.pcap');
    const cap = spawn('ip', ['netns', 'exec', UL, 'tshark', '-i', 'br0', '-f', 'udp port 8472', '-c', '1', '-a', 'duration:15', '-F', 'pcap', '-w', pcapFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    procs.push(cap);
    await new Promise<void>((res, rej) => {
      let err = '';
      cap.stderr!.on('data', (d) => {
        err += String(d);
        if (err.includes('Capturing on')) res();
      });
      cap.once('exit', (c) => rej(new Error(`tshark exited ${c}: ${err}`)));
    });
    const payload = 'hello from nginx to api\n';
    // the nginx pod sends one UDP datagram from port 5555 to the api pod's 8080
    nsExec(POD1, process.execPath, ['-e', `const s=require('dgram').createSocket('udp4');s.bind(5555,()=>s.send(${JSON.stringify(payload)},8080,'10.42.2.8',()=>setTimeout(()=>s.close(),300)))`]);
    await new Promise<void>((res) => cap.once('exit', () => res()));
    const recs = readPcap(new Uint8Array(readFileSync(pcapFile)));
    expect(recs.length).toBe(1);
    const real = recs[0]!.frame;
    const d = decapsulate(real);

    // the model's inner frame: remote VtepMAC ← local VtepMAC; TTL 63 after worker-1 forwarded it; DF set
    const [w1, w2] = [nodes[1]!, nodes[2]!];
    const realInnerIp = decodeIPv4(decodeEthernet(d.inner).payload);
    const innerUdp = encodeUdp({ srcPort: 5555, dstPort: 8080, payload: new TextEncoder().encode(payload) }, '10.42.1.5', '10.42.2.8');
    const modelInner = encodeEthernet({ dst: w2.vtepMac, src: w1.vtepMac, etherType: ETH_P_IP, payload: encodeIPv4({ tos: 0, id: realInnerIp.id, df: true, ttl: 63, protocol: IPPROTO_UDP, src: '10.42.1.5', dst: '10.42.2.8', payload: innerUdp }) });
    // Inner UDP checksum: the pod's socket leaves it to offload (CHECKSUM_PARTIAL on veth), so the
    // captured field may hold only the pseudo-header sum; every other inner byte must match.
    const maskInnerCsum = (f: Uint8Array) => { const c = f.slice(); c[14 + 20 + 6] = 0; c[14 + 20 + 7] = 0; return c; };
    expect(toHex(maskInnerCsum(d.inner))).toBe(toHex(maskInnerCsum(modelInner)));
    const innerCsumEqual = toHex(d.inner) === toHex(modelInner);
    console.log(`inner UDP checksum in the capture: ${innerCsumEqual ? 'complete, equal to the model' : 'partial (checksum offload), model has the completed value'}`);

    // the model's outer frame, seeded fields taken from the real one
    const model = encapsulate({ vni: 1, srcVtep: w1.publicIP, dstVtep: w2.publicIP, srcMac: w1.nicMac!, dstMac: w2.nicMac!, inner: modelInner, udpSrcPort: d.outer.srcPort, ipId: d.outer.id });
    expect(real.length).toBe(model.length);
    // Outer UDP checksum: with an offloaded inner checksum the kernel computes the outer one over the
    // completed inner packet (local checksum offload), which is exactly what the model computes.
    expect(toHex(maskInnerCsum2(real))).toBe(toHex(maskInnerCsum2(model)));
    expect(d.outer).toMatchObject({ ttl: 64, df: false, tos: 0, dstPort: 8472, ipChecksumValid: true });
    expect(d.outer.srcPort).toBeGreaterThanOrEqual(32768);
    expect(d.outer.srcPort).toBeLessThan(61000);

    // tshark dissects the model's pcap exactly as it dissects the real capture
    const modelFile = join(dir, 'model.pcap');
    writeFileSync(modelFile, writePcap([{ timeUs: 0, frame: model }]));
    const fields = ['frame.protocols', 'eth.dst', 'eth.src', 'ip.src', 'ip.dst', 'ip.ttl', 'ip.flags.df', 'ip.len', 'udp.srcport', 'udp.dstport', 'udp.length', 'vxlan.flags', 'vxlan.vni'];
    const dissect = (f: string) => tshark(['-r', f, '-d', 'udp.port==8472,vxlan', '-T', 'fields', ...fields.flatMap((x) => ['-e', x])]);
    const realFields = dissect(pcapFile);
    expect(realFields).toContain('eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:udp:data');
    expect(dissect(modelFile)).toBe(realFields);
  }, 40_000);

  it('tshark opens the pod-to-pod flow pcap and dissects its VXLAN frames with their inner frames', () => {
    const f = join(dir, 'flow.pcap');
    writeFileSync(f, podToPod(mulberry32(1)).pcap);
    const out = tshark(['-r', f, '-d', 'udp.port==8472,vxlan', '-T', 'fields', '-e', 'frame.protocols', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-e', 'udp.checksum.status', '-e', '_ws.expert.message']).trim().split('\n');
    expect(out.length).toBe(4);
    expect(out[1]).toMatch(/^eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp\t10\.89\.97\.202,10\.42\.1\.5\t10\.89\.97\.203,10\.42\.2\.8/);
    expect(out[3]).toMatch(/^eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp\t10\.89\.97\.203,10\.42\.2\.8\t10\.89\.97\.202,10\.42\.1\.5/);
    for (const l of out) expect(l).not.toMatch(/Bad|Malformed|incorrect/i);
    for (const l of out) expect(l.split('\t')[3]).toMatch(/^(1,?)+$/); // 1 = Good (0 Bad, 2 Unverified)
  });

  it('udp_flow_src_port lands the real source port in the kernel range the model uses', () => {
    expect(udpFlowSrcPort(0xdeadbeef)).toBeGreaterThanOrEqual(32768);
  });
});

/** Mask only the inner UDP checksum (offset 50 + 14 + 20 + 6) of an outer frame. */
function maskInnerCsum2(f: Uint8Array): Uint8Array {
  const c = f.slice();
  c[50 + 14 + 20 + 6] = 0;
  c[50 + 14 + 20 + 7] = 0;
  return c;
}
