// Pure: Prometheus' XOR ("Gorilla") float chunk, as remote read streams it (tsdb/chunkenc/xor.go): a 2-byte sample
// count, then a bit stream: the first timestamp as a signed varint and value as 64 raw bits, the second timestamp as
// an unsigned varint delta, then delta-of-deltas in 1/2/3/4-bit buckets, each value XORed with the previous one.
// 64-bit words are handled as two unsigned 32-bit halves: JavaScript bit operators are 32-bit.

/** The float Prometheus writes to end a series (value.StaleNaN); it is no value at all to a query. */
export const STALE_HI = 0x7ff00000;
export const STALE_LO = 0x00000002;

export class ChunkFormatError extends Error {
  constructor(message: string) {
    super(`XOR chunk: ${message}`);
    this.name = 'ChunkFormatError';
  }
}

class BitReader {
  private pos = 0;
  private readonly bitsTotal: number;
  private readonly view: DataView;
  /** the last byte offset a 4-byte read can start at */
  private readonly wordEnd: number;

  constructor(private readonly bytes: Uint8Array) {
    this.bitsTotal = bytes.length * 8;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.wordEnd = bytes.length - 4;
  }

  seekBytes(n: number): void {
    this.pos = n * 8;
  }

  bit(): number {
    const p = this.pos;
    if (p >= this.bitsTotal) throw new ChunkFormatError('ends inside a sample');
    this.pos = p + 1;
    return (this.bytes[p >>> 3]! >>> (7 - (p & 7))) & 1;
  }

  /** n <= 32 bits, most significant first, as an unsigned number */
  bits(n: number): number {
    const p = this.pos;
    if (p + n > this.bitsTotal) throw new ChunkFormatError('ends inside a sample');
    const byte = p >>> 3;
    const skip = p & 7;
    // one big-endian word holds them: at most 25 bits past a byte boundary
    if (n <= 25 && byte <= this.wordEnd) {
      this.pos = p + n;
      return n === 0 ? 0 : ((this.view.getUint32(byte) << skip) >>> 0) >>> (32 - n);
    }
    let v = 0;
    while (n > 0) {
      const q = this.pos;
      const avail = 8 - (q & 7);
      const take = avail < n ? avail : n;
      v = v * (1 << take) + ((this.bytes[q >>> 3]! >>> (avail - take)) & ((1 << take) - 1));
      this.pos = q + take;
      n -= take;
    }
    return v;
  }

  uvarint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.bits(8);
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    throw new ChunkFormatError('varint longer than 10 bytes');
  }

  /** Go's binary.ReadVarint: zig-zag */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** 64 bits as a signed number (exact within 2^53, which every millisecond timestamp delta is) */
  signed64(): number {
    const hi = this.bits(32);
    const lo = this.bits(32);
    return (hi >= 0x80000000 ? hi - 0x100000000 : hi) * 0x100000000 + lo;
  }
}

const word = new DataView(new ArrayBuffer(8));
/** The float of a sample's two 32-bit halves. */
export const xorFloat = (hi: number, lo: number): number => {
  word.setUint32(0, hi);
  word.setUint32(4, lo);
  return word.getFloat64(0);
};
export const isStale = (hi: number, lo: number): boolean => hi === STALE_HI && lo === STALE_LO;

/**
 * Calls `sample(ms, hi, lo)` for every sample of the chunk, in time order, with the value's bits as two unsigned
 * 32-bit halves (xorFloat makes the float, isStale tells the stale marker: a caller that keeps few of the values
 * converts only those). Throws ChunkFormatError on a truncated or malformed chunk. Returns the sample count.
 */
export function decodeXorChunk(data: Uint8Array, sample: (ms: number, hi: number, lo: number) => void): number {
  if (data.length < 2) throw new ChunkFormatError(`${data.length} bytes, shorter than its header`);
  const n = (data[0]! << 8) | data[1]!;
  if (n === 0) return 0;
  const r = new BitReader(data);
  r.seekBytes(2);
  let t = r.varint();
  let hi = r.bits(32);
  let lo = r.bits(32);
  let delta = 0;
  let leading = 0;
  let trailing = 0;
  sample(t, hi, lo);
  for (let i = 1; i < n; i++) {
    if (i === 1) {
      delta = r.uvarint();
    } else {
      let d = 0;
      for (let k = 0; k < 4; k++) {
        d <<= 1;
        if (r.bit() === 0) break;
        d |= 1;
      }
      let dod = 0;
      const size = d === 0b10 ? 14 : d === 0b110 ? 17 : d === 0b1110 ? 20 : 0;
      if (size > 0) {
        const b = r.bits(size);
        // negative values come back as large unsigned ones (tsdb/docs/bstream.md)
        dod = b > 2 ** (size - 1) ? b - 2 ** size : b;
      } else if (d === 0b1111) dod = r.signed64();
      delta += dod;
    }
    t += delta;
    if (r.bit() === 1) {
      if (r.bit() === 1) {
        leading = r.bits(5);
        let significant = r.bits(6);
        if (significant === 0) significant = 64;
        trailing = 64 - leading - significant;
        if (trailing < 0) throw new ChunkFormatError(`${leading} leading and ${significant} significant bits`);
      }
      const significant = 64 - leading - trailing;
      let dh = 0;
      let dl: number;
      if (significant > 32) {
        dh = r.bits(significant - 32);
        dl = r.bits(32);
      } else dl = r.bits(significant);
      if (trailing >= 32) {
        dh = (dl << (trailing - 32)) >>> 0;
        dl = 0;
      } else if (trailing > 0) {
        dh = ((dh << trailing) | (dl >>> (32 - trailing))) >>> 0;
        dl = (dl << trailing) >>> 0;
      }
      hi = (hi ^ dh) >>> 0;
      lo = (lo ^ dl) >>> 0;
    }
    sample(t, hi, lo);
  }
  return n;
}
