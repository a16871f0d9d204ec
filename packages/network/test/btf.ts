/**
 * Reads a struct's layout and an enum's values out of the running kernel's BTF
 * (/sys/kernel/btf/vmlinux): enough of the format (linux Documentation/bpf/btf.rst, include/uapi/linux/btf.h)
 * to answer "where does the kernel this test runs on put each member of struct flow_keys".
 */
import { existsSync, readFileSync } from 'node:fs';

interface BtfType {
  name: string;
  kind: number;
  /** size for INT/STRUCT/UNION/ENUM/FLOAT/ENUM64; the referenced type id for PTR/TYPEDEF/CONST/… */
  sizeOrType: number;
  kindFlag: boolean;
  members: { name: string; type: number; bitOffset: number }[];
  array?: { type: number; nelems: number };
  enumValues?: Map<string, number>;
}

const BTF_KIND = { INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9, CONST: 10, RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19 };

export const BTF_PATH = '/sys/kernel/btf/vmlinux';

export class Btf {
  private readonly types: (BtfType | null)[] = [null];

  static available(path = BTF_PATH): boolean {
    return existsSync(path);
  }

  constructor(path = BTF_PATH) {
    const buf = readFileSync(path);
    const d = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (d.getUint16(0, true) !== 0xeb9f) throw new Error(`${path}: not little-endian BTF`);
    const hdrLen = d.getUint32(4, true);
    const typeOff = hdrLen + d.getUint32(8, true);
    const typeLen = d.getUint32(12, true);
    const strOff = hdrLen + d.getUint32(16, true);
    const str = (o: number) => {
      let e = strOff + o;
      while (buf[e] !== 0) e++;
      return buf.toString('latin1', strOff + o, e);
    };
    for (let o = typeOff; o < typeOff + typeLen; ) {
      const nameOff = d.getUint32(o, true);
      const info = d.getUint32(o + 4, true);
      const sizeOrType = d.getUint32(o + 8, true);
      o += 12;
      const kind = (info >>> 24) & 0x1f;
      const vlen = info & 0xffff;
      const t: BtfType = { name: str(nameOff), kind, sizeOrType, kindFlag: info >>> 31 === 1, members: [] };
      switch (kind) {
        case BTF_KIND.INT: case BTF_KIND.VAR: case BTF_KIND.DECL_TAG:
          o += 4;
          break;
        case BTF_KIND.ARRAY:
          t.array = { type: d.getUint32(o, true), nelems: d.getUint32(o + 8, true) };
          o += 12;
          break;
        case BTF_KIND.STRUCT: case BTF_KIND.UNION:
          for (let i = 0; i < vlen; i++, o += 12) t.members.push({ name: str(d.getUint32(o, true)), type: d.getUint32(o + 4, true), bitOffset: d.getUint32(o + 8, true) });
          break;
        case BTF_KIND.ENUM:
          t.enumValues = new Map();
          for (let i = 0; i < vlen; i++, o += 8) t.enumValues.set(str(d.getUint32(o, true)), d.getInt32(o + 4, true));
          break;
        case BTF_KIND.ENUM64:
          t.enumValues = new Map();
          for (let i = 0; i < vlen; i++, o += 12) t.enumValues.set(str(d.getUint32(o, true)), d.getUint32(o + 4, true));
          break;
        case BTF_KIND.FUNC_PROTO:
          o += 8 * vlen;
          break;
        case BTF_KIND.DATASEC:
          o += 12 * vlen;
          break;
        default:
          break;
      }
      this.types.push(t);
    }
  }

  private resolve(id: number): BtfType {
    let t = this.types[id]!;
    while ([BTF_KIND.TYPEDEF, BTF_KIND.VOLATILE, BTF_KIND.CONST, BTF_KIND.RESTRICT, BTF_KIND.TYPE_TAG].includes(t.kind)) t = this.types[t.sizeOrType]!;
    return t;
  }

  private sizeOf(t: BtfType): number {
    if (t.kind === BTF_KIND.PTR) return 8;
    if (t.kind === BTF_KIND.ARRAY) return this.sizeOf(this.resolve(t.array!.type)) * t.array!.nelems;
    return t.sizeOrType;
  }

  /** A struct's size and its members' byte offsets and sizes (bitfields aside). */
  struct(name: string): { size: number; members: Record<string, { offset: number; size: number }> } | null {
    const t = this.types.find((x) => x && x.kind === BTF_KIND.STRUCT && x.name === name);
    if (!t) return null;
    const members: Record<string, { offset: number; size: number }> = {};
    for (const m of t.members) {
      const bitOffset = t.kindFlag ? m.bitOffset & 0xffffff : m.bitOffset;
      members[m.name] = { offset: bitOffset / 8, size: this.sizeOf(this.resolve(m.type)) };
    }
    return { size: t.sizeOrType, members };
  }

  /** The value of an enumerator, looked up across all enums. */
  enumValue(name: string): number | undefined {
    for (const t of this.types) if (t?.enumValues?.has(name)) return t.enumValues.get(name);
    return undefined;
  }
}
