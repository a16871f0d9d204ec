/**
 * `lab vxlan encap --vni 1 --src-vtep IP --dst-vtep IP --src-mac MAC --dst-mac MAC --inner HEX
 *   [--udp-src-port N | --seed N] [--ip-id N] -o hex|json` prints the full outer frame a Linux
 * flannel.1 would put on the node network; `lab vxlan decap --frame HEX` takes one apart.
 * Without --udp-src-port the outer source port is the kernel's: udp_flow_src_port over the flow
 * hash of the inner frame (skb_get_hash: siphash of its flow keys with the boot key `hashrnd`,
 * seeded here), as for a packet that carries no socket hash (a forwarded UDP datagram).
 */
import { decapsulate, encapsulate, FieldError, fromHex, seededEncapFields, seededHashrnd, toHex, vxlanSrcPort } from '@kubelab/network';
import { RngStreams } from '../../kernel/rng';
import { CliError, emit, intArg, outputOption, type RegisterCommand } from '../io';

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FieldError) throw new CliError(e.message.replace(/^(srcVtep|dstVtep|srcMac|dstMac|inner|vni)\b/, (m) => '--' + m.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())));
    throw e;
  }
}

export const register: RegisterCommand = (program) => {
  const vx = program.command('vxlan').description('VXLAN encapsulation as a Linux flannel.1 device does it (exact bytes)');
  vx.command('encap')
    .description('encapsulate an inner Ethernet frame; prints the outer frame')
    .option('--vni <n>', 'VXLAN network identifier', intArg('--vni', 0, 0xffffff), 1)
    .requiredOption('--src-vtep <ip>', 'local node IP (flannel.1 local)')
    .requiredOption('--dst-vtep <ip>', 'remote node IP (from the fdb entry)')
    .requiredOption('--src-mac <mac>', "local NIC's MAC (outer source)")
    .requiredOption('--dst-mac <mac>', "next hop's MAC (outer destination)")
    .requiredOption('--inner <hex>', 'the inner Ethernet frame in hex')
    .option('--udp-src-port <n>', 'outer UDP source port (the kernel derives it from a keyed flow hash)', intArg('--udp-src-port', 0, 65535))
    .option('--ip-id <n>', 'outer IPv4 identification (the kernel draws it)', intArg('--ip-id', 0, 65535))
    .option('--seed <n>', 'seed for the fields the kernel randomises, when not given', intArg('--seed'), 1)
    .option('--dst-port <n>', 'VXLAN UDP port (Linux default 8472)', intArg('--dst-port', 1, 65535), 8472)
    .addOption(outputOption(['hex', 'json']).default('hex'))
    .action((o: { vni: number; srcVtep: string; dstVtep: string; srcMac: string; dstMac: string; inner: string; udpSrcPort?: number; ipId?: number; seed: number; dstPort: number; output: string }) => {
      const streams = new RngStreams(o.seed);
      const seeded = seededEncapFields(streams.stream('network/vxlan'));
      const hashrnd = seededHashrnd(streams.stream('network/hashrnd'));
      const inner = wrap(() => fromHex(o.inner, '--inner'));
      const udpSrcPort = wrap(() => vxlanSrcPort({ inner, ...(o.udpSrcPort !== undefined ? { udpSrcPort: o.udpSrcPort } : { hashrnd }) }));
      const ipId = o.ipId ?? seeded.ipId;
      const frame = wrap(() => encapsulate({ vni: o.vni, srcVtep: o.srcVtep, dstVtep: o.dstVtep, srcMac: o.srcMac, dstMac: o.dstMac, inner, udpSrcPort, ipId, dstPort: o.dstPort }));
      if (o.output === 'hex') process.stdout.write(toHex(frame) + '\n');
      else emit('json', { frame: toHex(frame), length: frame.length, udpSrcPort, ipId, seeded: { udpSrcPort: o.udpSrcPort === undefined, ipId: o.ipId === undefined } }, () => '');
    });
  vx.command('decap')
    .description('take an outer VXLAN frame apart')
    .requiredOption('--frame <hex>', 'the outer Ethernet frame in hex')
    .option('--dst-port <n>', 'VXLAN UDP port', intArg('--dst-port', 1, 65535), 8472)
    .addOption(outputOption(['hex', 'json']).default('hex'))
    .action((o: { frame: string; dstPort: number; output: string }) => {
      const d = wrap(() => decapsulate(fromHex(o.frame, '--frame'), { port: o.dstPort }));
      if (o.output === 'hex') process.stdout.write(toHex(d.inner) + '\n');
      else emit('json', { vni: d.vni, outer: d.outer, inner: toHex(d.inner) }, () => '');
    });
};
