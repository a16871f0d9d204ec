/**
 * Real kernel: the seed's topology in network namespaces this suite creates (and removes by name,
 * killing the processes it started by PID, even on failure) — an underlay bridge with three node
 * namespaces (10.89.97.201–203), each with flannel.1 (VXLAN id 1, dstport 8472, nolearning, MTU
 * 1450, 10.42.X.0/32) and cni0 (10.42.X.1/24), the neigh/fdb/route entries flannel installs (from
 * the model's remoteEntries), and the nginx (10.42.1.5) and api (10.42.2.8) pods on veth.
 *
 * 1. The nginx pod sends a UDP datagram to the api pod; tshark captures the underlay; the real frame
 *    equals the model's encapsulation of the same inner packet byte for byte (the seeded fields —
 *    outer IP ID and UDP source port — taken from the real frame; the inner UDP checksum, left to
 *    offload by the pod's socket, masked), and tshark's whole dissection of the model's pcap equals
 *    its dissection of the real capture (frame metadata and that checksum aside).
 * 2. The seed's Example 3 through the real kernel: the model's kube-proxy payload and flannel's rules
 *    loaded on both workers, the nginx pod opens a TCP connection to the api Service's ClusterIP;
 *    the four frames captured on the nginx veth, the underlay (SYN and SYN-ACK) and the api veth
 *    equal the four TCP frames of `podToPod` given the kernel's random draws (ports, ISNs,
 *    timestamps, IP IDs), and the kernel's per-rule counters show the rules the flow's steps list.
 *    Then the pod's own resolver (glibc getaddrinfo, with kubelet's resolv.conf) sends its first
 *    query, which equals the flow's step 2 frame.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decapsulate, decodeEthernet, decodeIPv4, encapsulate, encodeEthernet, encodeIPv4, encodeUdp, ETH_P_IP, example3Objects, flannelForwardRules, flannelMasqRules, IPPROTO_UDP,
  jumpRules, k3sProxierConfig, mulberry32, podToPod, Proxier, readPcap, remoteEntries, resolvConf, tokenize, toHex, towerFleetFlannelNodes, TOWER_FLEET_EXAMPLE3, u16, u32, udpFlowSrcPort, writePcap, type Hit,
} from '../src/index';
import { deleteNamespaces, kernelSkipReason, nsExec, PREFIX, sh } from './kernel-env';
import { savedCounters } from './iptables-save-form';

const skip = kernelSkipReason(['ip', 'bridge', 'tshark', 'iptables-nft', 'iptables-nft-restore', 'iptables-nft-save']);
const UL = `${PREFIX}-ul`;
const nodes = towerFleetFlannelNodes();
const nodeNs = (i: number) => `${PREFIX}-n${i}`;
const POD1 = `${PREFIX}-nginx`;
const POD2 = `${PREFIX}-api`;
const made: string[] = [];
const procs: ChildProcess[] = [];
/** /etc/netns/<ns> directories this suite wrote (ip netns exec bind-mounts their files over /etc) */
const etcMade: string[] = [];
let dir = '';

function tshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 20_000, env: { ...process.env, HOME: dir } });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Starts tshark in a namespace; resolves once it captures, with a promise that settles when it exits. */
async function capture(ns: string, iface: string, filter: string, count: number, file: string): Promise<{ done: Promise<void> }> {
  const cap = spawn('ip', ['netns', 'exec', ns, 'tshark', '-i', iface, '-f', filter, '-c', String(count), '-a', 'duration:20', '-F', 'pcap', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(cap);
  const exited = new Promise<void>((res) => cap.once('exit', () => res()));
  await new Promise<void>((res, rej) => {
    let err = '';
    cap.stderr!.on('data', (d) => {
      err += String(d);
      if (err.includes('Capturing on')) res();
    });
    cap.once('exit', (c) => rej(new Error(`tshark exited ${c}: ${err}`)));
  });
  // tshark says "Capturing on" a moment before dumpcap's socket sees packets: a sender that starts
  // within milliseconds (getent does) would be missed
  await new Promise((res) => setTimeout(res, 500));
  // (wrapped: an async function returning a promise would wait for it)
  return { done: exited };
}

/**
 * tshark's full dissection (-V) of a one-frame pcap, without the "Frame" block (arrival time and
 * other capture metadata) and with the checksum lines of the `mask`-th occurrence of a protocol
 * section blanked.
 */
function dissection(file: string, mask?: { section: string; nth: number }): string {
  const out: string[] = [];
  let seen = 0;
  let inMasked = false;
  let inFrame = false;
  for (const line of tshark(['-r', file, '-d', 'udp.port==8472,vxlan', '-V']).split('\n')) {
    if (!line.startsWith(' ')) {
      inFrame = line.startsWith('Frame ');
      inMasked = false;
      if (mask && line.startsWith(mask.section) && ++seen === mask.nth) inMasked = true;
    }
    if (inFrame) continue;
    out.push(inMasked && /Checksum/i.test(line) ? line.replace(/0x[0-9a-f]{4}/, '0x????') : line);
  }
  return out.join('\n');
}

/** A frame with the 2 bytes at `off` zeroed. */
const zero2 = (f: Uint8Array, off: number) => {
  const c = f.slice();
  c[off] = 0;
  c[off + 1] = 0;
  return c;
};

/** TCP header offset inside an Ethernet frame (IPv4, no options), and the TSval of its options. */
const tcpAt = (frame: Uint8Array, eth = 0) => eth + 14 + 20;
function tsval(frame: Uint8Array, tcp: number): number {
  const end = tcp + (frame[tcp + 12]! >> 4) * 4;
  for (let o = tcp + 20; o < end; ) {
    const kind = frame[o]!;
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (kind === 8) return u32(frame, o + 2);
    o += frame[o + 1]!;
  }
  throw new Error('no TCP timestamp option');
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
    for (const d of etcMade) rmSync(d, { recursive: true, force: true });
    try {
      rmdirSync('/etc/netns'); // only if now empty
    } catch { /* not empty, or not there */ }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the real flannel.1 frame equals the model’s encapsulation byte for byte, and tshark dissects both the same', async () => {
    const pcapFile = join(dir, 'real.pcap');
    const { done } = await capture(UL, 'br0', 'udp port 8472', 1, pcapFile);
    const payload = 'hello from nginx to api\n';
    // the nginx pod sends one UDP datagram from port 5555 to the api pod's 8080
    nsExec(POD1, process.execPath, ['-e', `const s=require('dgram').createSocket('udp4');s.bind(5555,()=>s.send(${JSON.stringify(payload)},8080,'10.42.2.8',()=>setTimeout(()=>s.close(),300)))`]);
    await done;
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
    const INNER_CSUM = 14 + 20 + 6;
    expect(toHex(zero2(d.inner, INNER_CSUM))).toBe(toHex(zero2(modelInner, INNER_CSUM)));
    console.log(`inner UDP checksum in the capture: ${toHex(d.inner) === toHex(modelInner) ? 'complete, equal to the model' : 'partial (checksum offload), model has the completed value'}`);

    // the model's outer frame, seeded fields taken from the real one
    const model = encapsulate({ vni: 1, srcVtep: w1.publicIP, dstVtep: w2.publicIP, srcMac: w1.nicMac!, dstMac: w2.nicMac!, inner: modelInner, udpSrcPort: d.outer.srcPort, ipId: d.outer.id });
    expect(real.length).toBe(model.length);
    // Outer UDP checksum: with an offloaded inner checksum the kernel computes the outer one over the
    // completed inner packet (local checksum offload), which is exactly what the model computes.
    expect(toHex(zero2(real, 50 + INNER_CSUM))).toBe(toHex(zero2(model, 50 + INNER_CSUM)));
    expect(d.outer).toMatchObject({ ttl: 64, df: false, tos: 0, dstPort: 8472, ipChecksumValid: true });
    expect(d.outer.srcPort).toBeGreaterThanOrEqual(32768);
    expect(d.outer.srcPort).toBeLessThan(60999); // ip_local_port_range "32768 60999": the high end is never chosen

    // tshark's whole dissection of the model's pcap = its dissection of the real capture
    const modelFile = join(dir, 'model.pcap');
    writeFileSync(modelFile, writePcap([{ timeUs: 0, frame: model }]));
    const innerUdpMask = { section: 'User Datagram Protocol', nth: 2 };
    const realView = dissection(pcapFile, innerUdpMask);
    expect(realView).toContain('Virtual eXtensible Local Area Network');
    expect(realView).toContain('VXLAN Network Identifier (VNI): 1');
    expect(realView.split('\n').length).toBeGreaterThan(50);
    expect(dissection(modelFile, innerUdpMask)).toBe(realView);
    const protocols = (f: string) => tshark(['-r', f, '-d', 'udp.port==8472,vxlan', '-T', 'fields', '-e', 'frame.protocols']).trim();
    expect(protocols(modelFile)).toBe('eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:udp:data');
    expect(protocols(pcapFile)).toBe(protocols(modelFile));
  }, 40_000);

  it("the seed's Example 3 through the real kernel: the flow's five frames equal the kernel's, and the rules its steps list are the ones the kernel counted", async () => {
    // kube-proxy's payload, its jump rules and flannel's rules on both workers (iptables-nft)
    const { services, slices } = example3Objects();
    const workers = [1, 2].map((i) => ({ i, n: nodes[i]!, ns: nodeNs(i) }));
    for (const { n, ns } of workers) {
      const text = new Proxier(k3sProxierConfig(n.name, n.publicIP)).sync(services, slices).text;
      nsExec(ns, 'iptables-nft-restore', ['--noflush', '--counters'], text);
      for (const j of jumpRules()) nsExec(ns, 'iptables-nft', ['-t', j.table, '-I', j.chain, '1', ...tokenize(j.rule)]);
      nsExec(ns, 'iptables-nft', ['-t', 'nat', '-N', 'FLANNEL-POSTRTG']);
      nsExec(ns, 'iptables-nft', ['-t', 'filter', '-N', 'FLANNEL-FWD']);
      for (const r of [...flannelMasqRules('10.42.0.0/16', n.podCIDR), ...flannelForwardRules('10.42.0.0/16')]) nsExec(ns, 'iptables-nft', ['-t', r.table, '-A', r.chain, ...tokenize(r.rule)]);
    }
    const server = spawn('ip', ['netns', 'exec', POD2, process.execPath, '-e', "require('net').createServer(s=>s.end()).listen(8080,'0.0.0.0',()=>console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(server);
    await new Promise<void>((res, rej) => {
      server.stdout!.once('data', () => res());
      server.once('exit', (c) => rej(new Error(`server exited ${c}`)));
    });
    const files = { pod: join(dir, 'e3-nginx.pcap'), underlay: join(dir, 'e3-underlay.pcap'), api: join(dir, 'e3-api.pcap') };
    const captures = await Promise.all([
      capture(POD1, 'eth0', 'tcp dst port 80 and tcp[tcpflags] & tcp-syn != 0', 1, files.pod),
      capture(UL, 'br0', 'udp port 8472', 2, files.underlay),
      capture(POD2, 'eth0', 'tcp dst port 8080 and tcp[tcpflags] & tcp-syn != 0', 1, files.api),
    ]);
    // step 1/3: the nginx pod connects to the api Service's ClusterIP (the name resolution is the model's step 2)
    const svcIP = TOWER_FLEET_EXAMPLE3.apiClusterIP;
    nsExec(POD1, process.execPath, ['-e', `const c=require('net').connect(80,'${svcIP}',()=>{c.end();setTimeout(()=>process.exit(0),200)});c.on('error',e=>{console.error(e.message);process.exit(1)})`]);
    await Promise.all(captures.map((c) => c.done));
    server.kill();
    const frames = (f: string) => readPcap(new Uint8Array(readFileSync(f))).map((r) => r.frame);
    const [podSyn] = frames(files.pod);
    const [ulSyn, ulSynAck] = frames(files.underlay);
    const [apiSyn] = frames(files.api);
    expect([podSyn, ulSyn, ulSynAck, apiSyn].every((x) => x !== undefined)).toBe(true);

    // the kernel's random draws, read from the real frames
    const syn = podSyn!;
    const t = tcpAt(syn);
    const dSyn = decapsulate(ulSyn!);
    const dAck = decapsulate(ulSynAck!);
    const ackTcp = tcpAt(dAck.inner);
    const fixed = {
      sourcePort: u16(syn, t),
      isn: u32(syn, t + 4),
      tsval: tsval(syn, t),
      ipId: u16(syn, 14 + 4),
      udpSourcePort: dSyn.outer.srcPort,
      outerIpId: dSyn.outer.id,
      replyIsn: u32(dAck.inner, ackTcp + 4),
      replyTsval: tsval(dAck.inner, ackTcp),
      replyUdpSourcePort: dAck.outer.srcPort,
      replyOuterIpId: dAck.outer.id,
    };
    // the SYN (after DNAT) and the SYN-ACK (before un-DNAT) are one flow reversed: the flow dissector
    // would give them one outer port; each carries its socket's txhash instead (also through the DNAT),
    // so the ports differ (a 1-in-28,231 chance collision aside), as podToPod models them
    console.log(`Example 3 outer source ports: SYN ${fixed.udpSourcePort}, SYN-ACK ${fixed.replyUdpSourcePort}`);
    expect(fixed.udpSourcePort).not.toBe(fixed.replyUdpSourcePort);
    // the window scale option follows the namespace's net.ipv4.tcp_rmem[2] and net.core.rmem_max
    const tcpRmemMax = Number(nsExec(POD1, 'cat', ['/proc/sys/net/ipv4/tcp_rmem']).trim().split(/\s+/)[2]);
    const rmemMax = Number(nsExec(POD1, 'cat', ['/proc/sys/net/core/rmem_max']).trim());
    const flow = podToPod(mulberry32(1), fixed, { tcpRmemMax, rmemMax });
    const model = flow.records.slice(1).map((r) => r.frame); // records[0] is step 2's DNS query
    // the TCP checksum is left to offload by the sender (partial on veth), so it is masked in the
    // captured frames; the outer UDP checksum, which the kernel computes over the completed inner
    // packet, is compared as it is.
    const real = [syn, ulSyn!, apiSyn!, ulSynAck!];
    const csum = [t + 16, 50 + tcpAt(dSyn.inner) + 16, tcpAt(apiSyn!) + 16, 50 + ackTcp + 16];
    const names = ['step 3: SYN on the nginx veth', 'step 8: SYN in VXLAN on the underlay', 'step 12: SYN at the api pod', 'step 13: SYN-ACK in VXLAN on the underlay'];
    for (let k = 0; k < 4; k++) {
      expect(toHex(zero2(real[k]!, csum[k]!)), names[k]).toBe(toHex(zero2(model[k]!, csum[k]!)));
    }
    // the same frames as the flow's steps carry them
    expect(flow.steps[2]!.frameHex).toBe(toHex(model[0]!));
    expect(flow.steps[7]!.frameHex).toBe(toHex(model[1]!));
    expect(flow.steps[11]!.frameHex).toBe(toHex(model[2]!));
    expect(flow.steps[12]!.frameHex).toBe(toHex(model[3]!));
    expect(flow.steps[4]!.dnat).toEqual({ ip: '10.42.2.8', port: 8080 });

    // every rule the flow's steps list for the SYN (4–6 on worker-1; 9, the VXLAN packet arriving, and
    // 11 on worker-2) was counted by the kernel on that node; and the
    // kernel's service and endpoint chains counted exactly the SYN the model load-balanced
    const counted = (ns: string, table: string) => savedCounters(nsExec(ns, 'iptables-nft-save', ['-c', '-t', table]), table);
    const perNode: [string, Hit[]][] = [
      [nodeNs(1), [...flow.steps[3]!.hits!, ...flow.steps[4]!.hits!, ...flow.steps[5]!.hits!]],
      [nodeNs(2), [...flow.steps[8]!.hits!, ...flow.steps[10]!.hits!]],
    ];
    for (const [ns, hits] of perNode) {
      const c = { nat: counted(ns, 'nat'), filter: counted(ns, 'filter') };
      for (const h of hits) expect(c[h.table as 'nat' | 'filter'].get(`${h.chain} #${h.index}`), `${ns} ${h.table} ${h.rule}`).toBeGreaterThan(0);
      const lb = [...c.nat].filter(([k, v]) => /^KUBE-(SVC|SEP)-/.test(k) && v > 0).map(([k, v]) => `${k}=${v}`).sort();
      const want = hits.filter((h) => h.table === 'nat' && /^KUBE-(SVC|SEP)-/.test(h.chain)).map((h) => `${h.chain} #${h.index}=1`).sort();
      expect(lb, ns).toEqual(want);
    }
    expect(perNode[0]![1].some((h) => h.chain.startsWith('KUBE-SEP-') && h.rule.includes('DNAT --to-destination 10.42.2.8:8080'))).toBe(true);
    expect(perNode[0]![1].some((h) => h.chain === 'FLANNEL-POSTRTG' && h.target === 'RETURN')).toBe(true);

    // Step 2: the nginx pod's resolver (glibc, resolv.conf as kubelet writes it — `ip netns exec`
    // bind-mounts /etc/netns/<ns>/{resolv,nsswitch}.conf) asks 10.43.0.10; the first query on its veth equals the
    // flow's step 2 frame given the kernel's and the resolver's draws (source port, DNS ID, IP ID), and
    // the rules the flow lists for it (kube-dns's ClusterIP DNATed to the CoreDNS pod) were counted.
    const etcDir = `/etc/netns/${POD1}`;
    mkdirSync(etcDir, { recursive: true });
    etcMade.push(etcDir);
    writeFileSync(join(etcDir, 'resolv.conf'), resolvConf('default'));
    // as in a pod's image: this host's `mdns4_minimal [NOTFOUND=return]` would keep *.local names from DNS
    writeFileSync(join(etcDir, 'nsswitch.conf'), 'hosts: files dns\n');
    const dnsFile = join(dir, 'e3-dns.pcap');
    const dnsCap = await capture(POD1, 'eth0', 'udp dst port 53', 1, dnsFile);
    let captured = false;
    void dnsCap.done.then(() => (captured = true));
    // AF_INET: A queries only; nobody answers (there is no CoreDNS pod), so each try is stopped after
    // its first query; tried again should the capture have missed it
    for (let attempt = 0; attempt < 5 && !captured; attempt++) {
      await new Promise<void>((res) => {
        const g = spawn('ip', ['netns', 'exec', POD1, 'timeout', '2', 'getent', 'ahostsv4', 'api.default.svc.cluster.local'], { stdio: 'ignore' });
        procs.push(g);
        g.once('exit', () => res());
      });
      await new Promise((res) => setTimeout(res, 200));
    }
    await dnsCap.done;
    const [realQuery] = frames(dnsFile);
    expect(realQuery).toBeDefined();
    const q = realQuery!;
    const dnsFlow = podToPod(mulberry32(1), { dnsSourcePort: u16(q, 34), dnsId: u16(q, 42), dnsIpId: u16(q, 18) }, { tcpRmemMax, rmemMax });
    const UDP_CSUM = 14 + 20 + 6;
    expect(toHex(zero2(q, UDP_CSUM)), 'step 2: the first DNS query on the nginx veth').toBe(toHex(zero2(dnsFlow.records[0]!.frame, UDP_CSUM)));
    expect(dnsFlow.steps[1]!.frameHex).toBe(toHex(dnsFlow.records[0]!.frame));
    const natW1 = counted(nodeNs(1), 'nat');
    for (const h of dnsFlow.steps[1]!.dns!.queryWalk.filter((x) => x.table === 'nat')) expect(natW1.get(`${h.chain} #${h.index}`), `worker-1 nat ${h.rule}`).toBeGreaterThan(0);
    expect(dnsFlow.steps[1]!.dns!.dnsDnat).toEqual({ ip: '10.42.0.3', port: 53 });
  }, 60_000);

  it('tshark opens the pod-to-pod flow pcap and dissects its VXLAN frames with their inner frames', () => {
    const f = join(dir, 'flow.pcap');
    writeFileSync(f, podToPod(mulberry32(1)).pcap);
    const out = tshark(['-r', f, '-d', 'udp.port==8472,vxlan', '-T', 'fields', '-e', 'frame.protocols', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-e', 'udp.checksum.status', '-e', '_ws.expert.message']).trim().split('\n');
    expect(out.length).toBe(5);
    expect(out[0]).toMatch(/^eth:ethertype:ip:udp:dns\t10\.42\.1\.5\t10\.43\.0\.10/);
    const tcp = out.slice(1);
    expect(tcp[1]).toMatch(/^eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp\t10\.89\.97\.202,10\.42\.1\.5\t10\.89\.97\.203,10\.42\.2\.8/);
    expect(tcp[3]).toMatch(/^eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp\t10\.89\.97\.203,10\.42\.2\.8\t10\.89\.97\.202,10\.42\.1\.5/);
    for (const l of out) expect(l).not.toMatch(/Bad|Malformed|incorrect/i);
    for (const l of out) expect(l.split('\t')[3]).toMatch(/^(1,?)+$/); // 1 = Good (0 Bad, 2 Unverified)
  });

  it('udp_flow_src_port lands the real source port in the kernel range the model uses', () => {
    expect(udpFlowSrcPort(0xdeadbeef)).toBeGreaterThanOrEqual(32768);
  });
});
