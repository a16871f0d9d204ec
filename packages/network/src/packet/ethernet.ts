/**
 * Models: an Ethernet II frame as Linux puts it on a veth/bridge (no preamble, no FCS — which is
 * also what libpcap captures on Linux).
 * Follows: IEEE 802.3 / linux include/uapi/linux/if_ether.h.
 * Leaves out: VLAN tags, padding to the 60-byte minimum (the kernel does not pad on veth; NIC
 * drivers pad on real wires).
 */
import { FieldError } from '../errors';
import { concat, formatMac, parseMac, u16 } from './bytes';

export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;

export interface EthernetFrame {
  dst: string;
  src: string;
  etherType: number;
  payload: Uint8Array;
}

export function encodeEthernet(f: EthernetFrame): Uint8Array {
  const h = new Uint8Array(14);
  h.set(parseMac(f.dst, 'ethernet.dst'), 0);
  h.set(parseMac(f.src, 'ethernet.src'), 6);
  h[12] = f.etherType >> 8;
  h[13] = f.etherType & 255;
  return concat(h, f.payload);
}

export function decodeEthernet(b: Uint8Array): EthernetFrame {
  if (b.length < 14) throw new FieldError('ethernet', b.length, 'frame shorter than the 14-byte Ethernet header');
  return { dst: formatMac(b.subarray(0, 6)), src: formatMac(b.subarray(6, 12)), etherType: u16(b, 12), payload: b.subarray(14) };
}
