/**
 * The BER-TLV container ZVT carries in BMP 06 (registration options, display texts, print texts).
 * Tags are 1..n bytes (low five bits 11111 mean "more tag bytes follow while bit 8 is set"); a tag with
 * bit 6 set is constructed and its value is itself a TLV list. Lengths: < 0x80 one byte, else 0x81 xx or
 * 0x82 xx xx. Pure: bytes in, nodes out.
 */

export type TlvNode =
  | { readonly tag: number; readonly children: readonly TlvNode[] }
  | { readonly tag: number; readonly value: Uint8Array };

export class TlvError extends Error {}

function isConstructed(firstTagByte: number): boolean {
  return (firstTagByte & 0x20) !== 0;
}

/** Read a BER length at `offset`: [length, bytesUsed]. */
export function readBerLength(bytes: Uint8Array, offset: number): [number, number] {
  const first = bytes[offset];
  if (first === undefined) throw new TlvError('missing TLV length');
  if (first < 0x80) return [first, 1];
  const count = first & 0x7f;
  if (count < 1 || count > 2) throw new TlvError(`unsupported TLV length form 0x${first.toString(16)}`);
  let n = 0;
  for (let i = 1; i <= count; i++) {
    const b = bytes[offset + i];
    if (b === undefined) throw new TlvError('truncated TLV length');
    n = (n << 8) | b;
  }
  return [n, 1 + count];
}

export function writeBerLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  throw new TlvError(`TLV length ${length} too large`);
}

function readTag(bytes: Uint8Array, offset: number): [number, number, boolean] {
  const first = bytes[offset];
  if (first === undefined) throw new TlvError('missing TLV tag');
  let tag = first;
  let used = 1;
  if ((first & 0x1f) === 0x1f) {
    for (;;) {
      const b = bytes[offset + used];
      if (b === undefined) throw new TlvError('truncated TLV tag');
      tag = tag * 256 + b;
      used++;
      if ((b & 0x80) === 0) break;
      if (used > 4) throw new TlvError('TLV tag too long');
    }
  }
  return [tag, used, isConstructed(first)];
}

function writeTag(tag: number): Uint8Array {
  const out: number[] = [];
  let t = tag;
  do {
    out.unshift(t & 0xff);
    t = Math.floor(t / 256);
  } while (t > 0);
  return Uint8Array.from(out);
}

/** Parse a whole byte string as a TLV list. */
export function parseTlv(bytes: Uint8Array): TlvNode[] {
  const nodes: TlvNode[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const [tag, tagLen, constructed] = readTag(bytes, offset);
    const [length, lenLen] = readBerLength(bytes, offset + tagLen);
    const start = offset + tagLen + lenLen;
    const end = start + length;
    if (end > bytes.length) throw new TlvError(`TLV tag ${tag.toString(16)} overruns its container`);
    const value = bytes.subarray(start, end);
    nodes.push(constructed ? { tag, children: parseTlv(value) } : { tag, value: Uint8Array.from(value) });
    offset = end;
  }
  return nodes;
}

export function serialiseTlv(nodes: readonly TlvNode[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const node of nodes) {
    const value = 'children' in node ? serialiseTlv(node.children) : node.value;
    parts.push(writeTag(node.tag), writeBerLength(value.length), value);
  }
  return Buffer.concat(parts);
}

/** Depth-first search for the first node with `tag`. */
export function findTlv(nodes: readonly TlvNode[], tag: number): TlvNode | undefined {
  for (const node of nodes) {
    if (node.tag === tag) return node;
    if ('children' in node) {
      const hit = findTlv(node.children, tag);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Every primitive value with `tag`, depth-first. */
export function findAllTlv(nodes: readonly TlvNode[], tag: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const node of nodes) {
    if ('children' in node) out.push(...findAllTlv(node.children, tag));
    else if (node.tag === tag) out.push(node.value);
  }
  return out;
}
