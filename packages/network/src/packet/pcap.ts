/**
 * Models: the classic libpcap file format (magic a1b2c3d4, version 2.4, LINKTYPE_ETHERNET = 1,
 * microsecond timestamps), which tshark, tcpdump and Wireshark open.
 * Follows: https://www.tcpdump.org/manpages/pcap-savefile.5.html (and libpcap sf-pcap.c).
 * Leaves out: pcapng; timestamps come from simulated time (microseconds), never the wall clock.
 */
import { FieldError } from '../errors';
import { concat, u32 } from './bytes';

export interface PcapRecord {
  /** simulated time in microseconds since the epoch of the run */
  timeUs: number;
  frame: Uint8Array;
}

function le32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

export function writePcap(records: PcapRecord[], snaplen = 262144): Uint8Array {
  const header = new Uint8Array(24);
  const dv = new DataView(header.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setInt32(8, 0, true);
  dv.setUint32(12, 0, true);
  dv.setUint32(16, snaplen, true);
  dv.setUint32(20, 1, true);
  const parts: Uint8Array[] = [header];
  for (const r of records) {
    if (!Number.isInteger(r.timeUs) || r.timeUs < 0) throw new FieldError('pcap.timeUs', r.timeUs, 'must be a non-negative integer number of microseconds');
    const sec = Math.floor(r.timeUs / 1e6);
    const cap = r.frame.subarray(0, snaplen);
    parts.push(le32(sec), le32(r.timeUs - sec * 1e6), le32(cap.length), le32(r.frame.length), cap);
  }
  return concat(...parts);
}

export function readPcap(b: Uint8Array): PcapRecord[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = dv.getUint32(0, true);
  const little = magic === 0xa1b2c3d4;
  if (!little && u32(b, 0) !== 0xa1b2c3d4) throw new FieldError('pcap.magic', magic.toString(16), 'not a microsecond libpcap file');
  const out: PcapRecord[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const sec = dv.getUint32(o, little);
    const usec = dv.getUint32(o + 4, little);
    const incl = dv.getUint32(o + 8, little);
    out.push({ timeUs: sec * 1e6 + usec, frame: b.slice(o + 16, o + 16 + incl) });
    o += 16 + incl;
  }
  return out;
}
