/**
 * Real kernel: where flannel.1's outer UDP source port comes from. Two of the seed's workers in
 * network namespaces this suite creates (and removes by name, killing the processes it started by
 * PID, also on failure): k3s-worker-1 and k3s-worker-2 joined by a veth (the underlay, 10.89.97.202
 * and .203), each with flannel.1 (VXLAN id 1, dstport 8472, nolearning, `srcport 0 0` as flannel
 * leaves it) and the neigh/fdb/route entries flannel installs (from the model's remoteEntries), and a
 * pod behind each (nginx 10.42.1.5, api 10.42.2.8) on a veth. tshark captures worker-1's underlay;
 * every captured VXLAN frame is taken apart and its inner frame run through the model's flow
 * dissector (src/vxlan/flow-hash.ts).
 *
 * What cannot be checked: the hash values themselves. The kernel keys the flow hash with `hashrnd`,
 * 16 bytes drawn once per boot and never exposed, so no test can predict a real port; the model takes
 * hashrnd (and every socket's txhash) as a seeded parameter. What is checked is everything the model
 * says that holds for ANY key:
 *  - frames the model hashes from the same bytes (same flow, either direction, the ports or the
 *    addresses swapped alone, any payload/TTL/IP ID; all ICMP between two hosts; all ARP) get the
 *    same outer port, and frames it hashes from different bytes get different ports (up to the
 *    chance collisions of 28,231 buckets);
 *  - packets of a socket with a txhash (TCP, connected UDP) do not follow the dissector: each socket
 *    keeps its own port (the pod socket's hash crosses the veth into the node with the packet), so a
 *    TCP connection's two directions get unrelated ports and two connected-UDP sockets on the same
 *    5-tuple get different ones, while unconnected datagrams on that 5-tuple all get one;
 *  - ports fall in [low, high) of the node namespace's ip_local_port_range: with "40000 40002" only
 *    40000 and 40001 appear, with "40000 40001" only 40000 (udp_flow_src_port's formula);
 *  - the running kernel's struct flow_keys (its BTF) is laid out as the model assumes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decapsulate, dissectFrame, ETH_P_ARP, FLOW_DISSECTOR_KEY_IPV4_ADDRS, FLOW_DISSECTOR_KEY_IPV6_ADDRS, FLOW_KEYS_LAYOUT, flowHashInput, LOCAL_PORT_RANGE, mulberry32, readPcap, remoteEntries,
  seededHashrnd, toHex, towerFleetFlannelNodes, u16, vxlanSrcPort,
} from '../src/index';
import { Btf } from './btf';
import { deleteNamespaces, kernelSkipReason, nsExec, PREFIX, sh } from './kernel-env';

const skip = kernelSkipReason(['ip', 'bridge', 'tshark']);
const [, w1, w2] = towerFleetFlannelNodes();
const W1 = `${PREFIX}-fh-w1`;
const W2 = `${PREFIX}-fh-w2`;
const P1 = `${PREFIX}-fh-p1`;
const P2 = `${PREFIX}-fh-p2`;
const NGINX = '10.42.1.5';
const API = '10.42.2.8';
const made: string[] = [];
const procs: ChildProcess[] = [];
let dir = '';
let captures = 0;

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Runs `traffic` while tshark captures worker-1's underlay; the captured frames, in order. */
async function underlay(traffic: () => Promise<void> | void): Promise<Uint8Array[]> {
  const file = join(dir, `cap-${++captures}.pcap`);
  // `ip netns exec` execs tshark in place: the child's PID is tshark's
  const cap = spawn('ip', ['netns', 'exec', W1, 'tshark', '-i', 'eth0', '-f', 'udp port 8472', '-a', 'duration:40', '-F', 'pcap', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: dir } });
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
  await sleep(500); // dumpcap's socket sees packets a moment after tshark says "Capturing on"
  await traffic();
  await sleep(700);
  cap.kill('SIGINT');
  await exited;
  return readPcap(new Uint8Array(readFileSync(file))).map((r) => r.frame);
}

/**
 * Sends UDP datagrams from a namespace, one job after the other, each from a fresh socket bound to
 * `sport`: unconnected (sendto) or connected (connect, then send — the kernel gives the socket a
 * random sk_txhash at connect).
 */
function udpSend(ns: string, jobs: { dst: string; sport: number; dport: number; count?: number; connect?: boolean; payload?: string }[]): void {
  const script = `const dgram=require('dgram');const jobs=JSON.parse(process.argv[1]);
(async()=>{for(const j of jobs){await new Promise((res)=>{const s=dgram.createSocket({type:'udp4',reuseAddr:true});s.on('error',()=>{});
s.bind(j.sport,()=>{const send=(n)=>{if(n===0){s.close();return setTimeout(res,15);}
const cb=()=>setTimeout(()=>send(n-1),5);if(j.connect)s.send(j.payload||'x',cb);else s.send(j.payload||'x',j.dport,j.dst,cb);};
if(j.connect)s.connect(j.dport,j.dst,()=>send(j.count||1));else send(j.count||1);});});}})();`;
  nsExec(ns, process.execPath, ['-e', script, JSON.stringify(jobs)]);
}

interface Seen {
  /** outer IPv4 source: which node encapsulated it */
  from: string;
  port: number;
  inner: Uint8Array;
  etherType: number;
  /** the model's hash input for the inner frame, in hex: equal inputs ⇒ equal hash for any key */
  cls: string;
  what: string;
}

function seen(frames: Uint8Array[]): Seen[] {
  const out: Seen[] = [];
  for (const f of frames) {
    const d = decapsulate(f);
    const etherType = u16(d.inner, 12);
    if (etherType === 0x86dd) continue; // flannel.1's own IPv6 link-local chatter: not modelled
    const ip = d.inner.subarray(14);
    const what = etherType === ETH_P_ARP
      ? 'arp'
      : ip[9] === 1
        ? `icmp ${ip.subarray(12, 16).join('.')}→${ip.subarray(16, 20).join('.')}`
        : `${ip[9] === 6 ? 'tcp' : 'udp'} ${ip.subarray(12, 16).join('.')}:${u16(ip, 20)}→${ip.subarray(16, 20).join('.')}:${u16(ip, 22)}`;
    out.push({ from: d.outer.src, port: d.outer.srcPort, inner: d.inner, etherType, cls: toHex(flowHashInput(dissectFrame(d.inner))), what });
  }
  return out;
}

/** Frames the model hashes alike share a real port; different inputs get (nearly always) different ports. */
function expectPortsFollowModelClasses(frames: Seen[], label: string): void {
  const byCls = new Map<string, Set<number>>();
  for (const s of frames) byCls.set(s.cls, (byCls.get(s.cls) ?? new Set()).add(s.port));
  for (const [cls, ports] of byCls) {
    const which = frames.filter((s) => s.cls === cls).map((s) => `${s.what} → ${s.port}`);
    expect(ports.size, `${label}: one port for the frames the model hashes alike: ${which.join('; ')}`).toBe(1);
  }
  const distinct = new Set([...byCls.values()].map((p) => [...p][0]));
  // 28,231 possible ports: a chance collision between two classes is possible, three are not plausible
  expect(distinct.size, `${label}: ${byCls.size} flows, ${distinct.size} ports`).toBeGreaterThanOrEqual(byCls.size - 2);
}

describe.skipIf(skip !== null)('flannel.1’s outer UDP source port on a real kernel (netns + tshark)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kl-flowhash-'));
    const all = [W1, W2, P1, P2];
    deleteNamespaces(all);
    for (const n of all) {
      sh('ip', ['netns', 'add', n]);
      made.push(n);
      nsExec(n, 'ip', ['link', 'set', 'lo', 'up']);
    }
    sh('ip', ['link', 'add', 'eth0', 'netns', W1, 'address', w1!.nicMac!, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', W2, 'address', w2!.nicMac!]);
    for (const [ns, n, peer, pod, podIp] of [[W1, w1!, w2!, P1, NGINX], [W2, w2!, w1!, P2, API]] as const) {
      nsExec(ns, 'ip', ['addr', 'add', `${n.publicIP}/24`, 'dev', 'eth0']);
      nsExec(ns, 'ip', ['link', 'set', 'eth0', 'up']);
      nsExec(ns, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
      nsExec(ns, 'ip', ['link', 'add', 'flannel.1', 'address', n.vtepMac, 'mtu', '1450', 'type', 'vxlan', 'id', '1', 'local', n.publicIP, 'dev', 'eth0', 'dstport', '8472', 'nolearning']);
      nsExec(ns, 'ip', ['addr', 'add', `${n.podCIDR.split('/')[0]}/32`, 'dev', 'flannel.1']);
      nsExec(ns, 'ip', ['link', 'set', 'flannel.1', 'up']);
      for (const e of remoteEntries(n, peer)) {
        if (e.kind === 'neigh') nsExec(ns, 'ip', ['neigh', 'replace', e.ip, 'lladdr', e.lladdr, 'dev', e.dev, 'nud', 'permanent']);
        if (e.kind === 'fdb') nsExec(ns, 'bridge', ['fdb', 'append', e.mac, 'dev', e.dev, 'dst', e.dst, 'self', 'permanent']);
        if (e.kind === 'route') nsExec(ns, 'ip', ['route', 'replace', e.dst, 'via', e.via, 'dev', e.dev, 'onlink']);
      }
      // the pod: a veth straight into the node (the node end holds the gateway address cni0 would)
      const gw = n.podCIDR.replace(/\.0\/24$/, '.1');
      sh('ip', ['link', 'add', 'vethpod', 'netns', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod]);
      nsExec(ns, 'ip', ['addr', 'add', `${gw}/24`, 'dev', 'vethpod']);
      nsExec(ns, 'ip', ['link', 'set', 'vethpod', 'mtu', '1450', 'up']);
      nsExec(pod, 'ip', ['addr', 'add', `${podIp}/24`, 'dev', 'eth0']);
      nsExec(pod, 'ip', ['link', 'set', 'eth0', 'mtu', '1450', 'up']);
      nsExec(pod, 'ip', ['route', 'add', 'default', 'via', gw]);
    }
    expect(nsExec(W1, 'ip', ['-d', 'link', 'show', 'flannel.1'])).toContain('srcport 0 0');
    expect(nsExec(W1, 'cat', ['/proc/sys/net/ipv4/ip_local_port_range']).trim().split(/\s+/).map(Number)).toEqual([LOCAL_PORT_RANGE.min, LOCAL_PORT_RANGE.max]);
  });

  afterAll(() => {
    for (const p of procs) if (p.pid && p.exitCode === null && p.signalCode === null) try { process.kill(p.pid); } catch { /* gone */ }
    deleteNamespaces(made);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without a socket hash (unconnected UDP, ICMP errors) the port follows the flow dissector: both directions, swapped ports and any payload share it; other flows differ', async () => {
    const frames = seen(await underlay(() => {
      udpSend(P1, [
        { dst: API, sport: 5555, dport: 8080 },
        { dst: API, sport: 5555, dport: 8080, payload: 'another payload, same flow' },
        { dst: API, sport: 8080, dport: 5555 }, // the ports swapped, same direction
        ...Array.from({ length: 20 }, (_, i) => ({ dst: API, sport: 20001 + i, dport: 9000 })),
      ]);
      udpSend(P2, [
        { dst: NGINX, sport: 8080, dport: 5555 }, // the reply direction
        { dst: NGINX, sport: 5555, dport: 8080 }, // the addresses swapped alone
      ]);
    }));
    // nobody listens: each pod's kernel answers with ICMP port unreachable (rate-limited), which
    // flannel.1 carries too
    const udp = frames.filter((s) => s.what.startsWith('udp'));
    const icmp = frames.filter((s) => s.what.startsWith('icmp'));
    expect(udp.length).toBe(25);
    expect(icmp.length).toBeGreaterThan(0);
    const pair = udp.filter((s) => /:(5555|8080)→/.test(s.what));
    expect(pair.length).toBe(5);
    expect(new Set(pair.map((s) => s.cls)).size, 'the model hashes all five alike').toBe(1);
    expect(new Set(pair.map((s) => s.port)).size, pair.map((s) => `${s.what} → ${s.port}`).join('; ')).toBe(1);
    expect(new Set(pair.map((s) => s.from))).toEqual(new Set([w1!.publicIP, w2!.publicIP]));
    expect(new Set(icmp.map((s) => s.cls)).size, 'every ICMP error between the two pods: one flow for the dissector (no ports, no ICMP key)').toBe(1);
    expectPortsFollowModelClasses(frames, 'unconnected UDP + ICMP');
    for (const s of frames) {
      expect(s.port).toBeGreaterThanOrEqual(LOCAL_PORT_RANGE.min);
      expect(s.port).toBeLessThan(LOCAL_PORT_RANGE.max);
    }
    // and the model, for any key, says the same of these frames: one port for the five
    const hashrnd = seededHashrnd(mulberry32(1));
    expect(new Set(pair.map((s) => vxlanSrcPort({ inner: s.inner, hashrnd }))).size).toBe(1);
    console.log(`unconnected UDP: ${pair[0]!.what} and its reverse/swaps → ${pair[0]!.port}; ICMP → ${icmp[0]!.port}; ${new Set(udp.map((s) => s.port)).size} ports for ${new Set(udp.map((s) => s.cls)).size} UDP flows`);
  }, 60_000);

  it('a socket with a txhash wins over the dissector: connected UDP sockets on one 5-tuple get a port each, unconnected datagrams on it share the dissector’s', async () => {
    const sink = spawn('ip', ['netns', 'exec', P2, process.execPath, '-e', "const s=require('dgram').createSocket({type:'udp4',reuseAddr:true});s.bind(7001,()=>console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(sink);
    await new Promise<void>((res, rej) => {
      sink.stdout!.once('data', () => res());
      sink.once('exit', (c) => rej(new Error(`sink exited ${c}`)));
    });
    const frames = seen(await underlay(() => {
      udpSend(P1, [
        ...Array.from({ length: 4 }, () => ({ dst: API, sport: 7000, dport: 7001, count: 3, connect: true })),
        { dst: API, sport: 7000, dport: 7001, count: 2 },
      ]);
      udpSend(P2, [{ dst: NGINX, sport: 7001, dport: 7000 }]);
    }));
    sink.kill();
    const flow = frames.filter((s) => s.what.startsWith('udp'));
    expect(flow.length, flow.map((s) => `${s.what} → ${s.port}`).join('; ')).toBe(4 * 3 + 2 + 1);
    expect(new Set(flow.map((s) => s.cls)).size, 'one 5-tuple: the dissector would give them all one port').toBe(1);
    const sockets = [0, 1, 2, 3].map((i) => flow.slice(3 * i, 3 * i + 3).map((s) => s.port));
    for (const ports of sockets) expect(new Set(ports).size, `one socket, one txhash, one port: ${ports}`).toBe(1);
    const socketPorts = sockets.map((p) => p[0]!);
    expect(new Set(socketPorts).size, `four sockets, four random txhashes: ${socketPorts}`).toBeGreaterThan(1);
    const unconnected = flow.slice(12).map((s) => s.port);
    expect(new Set(unconnected).size, `unconnected datagrams both ways: the dissector’s port ${unconnected}`).toBe(1);
    console.log(`connected UDP sockets on one 5-tuple: ${socketPorts.join(', ')}; unconnected, both directions: ${unconnected[0]}`);
  }, 60_000);

  it('TCP: each side’s socket txhash picks its port, so a connection’s two directions differ where the dissector would have them equal', async () => {
    const server = spawn('ip', ['netns', 'exec', P2, process.execPath, '-e', "require('net').createServer(s=>{s.on('data',()=>s.end('ok'))}).listen(8080,'0.0.0.0',()=>console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(server);
    await new Promise<void>((res, rej) => {
      server.stdout!.once('data', () => res());
      server.once('exit', (c) => rej(new Error(`server exited ${c}`)));
    });
    const frames = seen(await underlay(() => {
      for (const lp of [41001, 41002, 41003]) {
        nsExec(P1, process.execPath, ['-e', `const c=require('net').connect({port:8080,host:'${API}',localPort:${lp}},()=>c.write('hi'));c.on('data',()=>c.end());c.on('close',()=>process.exit(0));c.on('error',e=>{console.error(e.message);process.exit(1)})`]);
      }
    }));
    server.kill();
    const tcp = frames.filter((s) => s.what.startsWith('tcp'));
    const summary: string[] = [];
    const clientPorts: number[] = [];
    for (const lp of [41001, 41002, 41003]) {
      const conn = tcp.filter((s) => s.what.includes(`:${lp}→`) || s.what.endsWith(`:${lp}`));
      const client = conn.filter((s) => s.from === w1!.publicIP);
      const server_ = conn.filter((s) => s.from === w2!.publicIP);
      expect(client.length).toBeGreaterThanOrEqual(3); // SYN, ACK, data, FIN …
      expect(server_.length).toBeGreaterThanOrEqual(2); // SYN-ACK, data, FIN …
      expect(new Set(conn.map((s) => s.cls)).size, 'the dissector would hash both directions alike').toBe(1);
      const cp = new Set(client.map((s) => s.port));
      const sp = new Set(server_.map((s) => s.port));
      expect(cp.size, `the nginx socket’s segments keep one port: ${[...cp]}`).toBe(1);
      expect(sp.size, `the api side (request sock, then the accepted socket) keeps one port: ${[...sp]}`).toBe(1);
      expect([...cp][0], 'the two directions: two sockets, two txhashes').not.toBe([...sp][0]);
      clientPorts.push([...cp][0]!);
      summary.push(`${lp}: ${[...cp][0]} / ${[...sp][0]}`);
    }
    expect(new Set(clientPorts).size).toBeGreaterThan(1);
    console.log(`TCP connections (client / server port): ${summary.join('; ')}`);
  }, 60_000);

  it('ARP carried by flannel.1 hashes on the EtherType alone: requests and replies, both ways, one port', async () => {
    // flannel never sends ARP over VXLAN (its neigh entries are permanent); an extra subnet with an
    // all-zeros fdb entry makes the kernel resolve one
    for (const [ns, ip, peer] of [[W1, '192.168.77.1', w2!], [W2, '192.168.77.2', w1!]] as const) {
      nsExec(ns, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'flannel.1']);
      nsExec(ns, 'bridge', ['fdb', 'append', '00:00:00:00:00:00', 'dev', 'flannel.1', 'dst', peer.publicIP, 'self', 'permanent']);
    }
    const frames = seen(await underlay(() => {
      udpSend(W1, [{ dst: '192.168.77.2', sport: 6000, dport: 6001 }]);
      nsExec(W1, 'ip', ['neigh', 'flush', 'dev', 'flannel.1', 'to', '192.168.77.0/24']);
      nsExec(W2, 'ip', ['neigh', 'flush', 'dev', 'flannel.1', 'to', '192.168.77.0/24']);
      udpSend(W2, [{ dst: '192.168.77.1', sport: 6000, dport: 6001 }]);
    }));
    const arp = frames.filter((s) => s.etherType === ETH_P_ARP);
    expect(arp.length).toBeGreaterThanOrEqual(2);
    expect(new Set(arp.map((s) => s.from))).toEqual(new Set([w1!.publicIP, w2!.publicIP]));
    expect(new Set(arp.map((s) => s.cls)).size).toBe(1);
    expect(new Set(arp.map((s) => s.port)).size, arp.map((s) => `${s.from} → ${s.port}`).join('; ')).toBe(1);
    expectPortsFollowModelClasses(frames, 'ARP + UDP');
    console.log(`ARP (${arp.length} frames, both nodes) → ${arp[0]!.port}`);
  }, 60_000);

  it('the port range is the node namespace’s ip_local_port_range, high end excluded', async () => {
    const flows = (base: number, n: number) => Array.from({ length: n }, (_, i) => ({ dst: API, sport: base + i, dport: 9100 }));
    nsExec(W1, 'sh', ['-c', 'echo "40000 40002" > /proc/sys/net/ipv4/ip_local_port_range']);
    const three = seen(await underlay(() => udpSend(P1, flows(30001, 24)))).filter((s) => s.from === w1!.publicIP && s.what.startsWith('udp'));
    nsExec(W1, 'sh', ['-c', 'echo "40000 40001" > /proc/sys/net/ipv4/ip_local_port_range']);
    const two = seen(await underlay(() => udpSend(P1, flows(31001, 8)))).filter((s) => s.from === w1!.publicIP && s.what.startsWith('udp'));
    nsExec(W1, 'sh', ['-c', `echo "${LOCAL_PORT_RANGE.min} ${LOCAL_PORT_RANGE.max}" > /proc/sys/net/ipv4/ip_local_port_range`]);
    expect(three.length).toBe(24);
    expect(two.length).toBe(8);
    // (h·(40002 − 40000)) >> 32 is 0 or 1: 40002 never (24 flows; were the high end included, a third
    // of them would land there), and both 0 and 1 occur
    expect(new Set(three.map((s) => s.port))).toEqual(new Set([40000, 40001]));
    expect(new Set(two.map((s) => s.port))).toEqual(new Set([40000]));
    const hashrnd = seededHashrnd(mulberry32(3));
    for (const s of two) expect(vxlanSrcPort({ inner: s.inner, hashrnd, portRange: { min: 40000, max: 40001 } })).toBe(40000);
    for (const s of three) expect([40000, 40001]).toContain(vxlanSrcPort({ inner: s.inner, hashrnd, portRange: { min: 40000, max: 40002 } }));
  }, 60_000);

  it('the running kernel’s struct flow_keys (BTF) is laid out as the model assumes', () => {
    if (!Btf.available()) {
      console.log('skipping the BTF layout check: this kernel exposes no /sys/kernel/btf/vmlinux');
      return;
    }
    const btf = new Btf();
    const keys = btf.struct('flow_keys');
    expect(keys).not.toBeNull();
    expect(keys!.size).toBe(FLOW_KEYS_LAYOUT.size);
    expect(keys!.members).toEqual(FLOW_KEYS_LAYOUT.members);
    expect(btf.struct('flow_dissector_key_basic')!.members).toEqual({ n_proto: { offset: 0, size: 2 }, ip_proto: { offset: 2, size: 1 }, padding: { offset: 3, size: 1 } });
    expect(btf.struct('flow_dissector_key_ports')!.size).toBe(4);
    expect(btf.struct('flow_dissector_key_ipv4_addrs')!.members).toEqual({ src: { offset: 0, size: 4 }, dst: { offset: 4, size: 4 } });
    expect(btf.struct('flow_dissector_key_control')!.members).toEqual({ thoff: { offset: 0, size: 2 }, addr_type: { offset: 2, size: 2 }, flags: { offset: 4, size: 4 } });
    expect(btf.enumValue('FLOW_DISSECTOR_KEY_IPV4_ADDRS')).toBe(FLOW_DISSECTOR_KEY_IPV4_ADDRS);
    expect(btf.enumValue('FLOW_DISSECTOR_KEY_IPV6_ADDRS')).toBe(FLOW_DISSECTOR_KEY_IPV6_ADDRS);
    // struct sock has the per-socket hash the TCP/connected-UDP test sees winning
    expect(btf.struct('sock')!.members['sk_txhash']!.size).toBe(4);
    console.log(`BTF (${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}): struct flow_keys ${keys!.size} bytes, ${Object.entries(keys!.members).map(([k, v]) => `${k}@${v.offset}`).join(' ')}`);
  });
});
