/**
 * Test-only: writes Prometheus' XOR chunk layout (as tsdb/chunkenc/xor.go appends samples), to build chunks with
 * exactly the samples a test needs (stale markers, edges of the lookback). The decoder is checked against a real
 * Prometheus separately, so this writer cannot hide a shared mistake.
 */
class BitWriter {
  private readonly bytes: number[] = [];
  private bitCount = 0;

  bit(b: number): void {
    if (this.bitCount % 8 === 0) this.bytes.push(0);
    if (b) this.bytes[this.bytes.length - 1]! |= 0x80 >>> (this.bitCount % 8);
    this.bitCount++;
  }

  /** the low n bits of a non-negative BigInt, most significant first */
  bits(v: bigint, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.bit(Number((v >> BigInt(i)) & 1n));
  }

  byte(b: number): void {
    this.bits(BigInt(b), 8);
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const floatBits = (v: number): bigint => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0);
};
const MASK64 = (1n << 64n) - 1n;
const leadingZeros = (x: bigint): number => (x === 0n ? 64 : 64 - x.toString(2).length);
const trailingZeros = (x: bigint): number => {
  let n = 0;
  while (n < 64 && ((x >> BigInt(n)) & 1n) === 0n) n++;
  return n;
};
const uvarint = (w: BitWriter, v: bigint): void => {
  while (v >= 0x80n) {
    w.byte(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  w.byte(Number(v));
};
const bitRange = (x: bigint, n: number): boolean => -((1n << BigInt(n - 1)) - 1n) <= x && x <= 1n << BigInt(n - 1);

/** The bits of Prometheus' stale marker (value.StaleNaN). */
export const STALE_NAN_BITS = 0x7ff0000000000002n;

/** A chunk of these samples ([ms, value or the raw 64 bits]), timestamps increasing. */
export function encodeXorChunk(samples: ReadonlyArray<[number, number | bigint]>): Uint8Array {
  const w = new BitWriter();
  w.bits(BigInt(samples.length), 16);
  let t = 0n;
  let delta = 0n;
  let value = 0n;
  let leading = 0xff;
  let trailing = 0;
  samples.forEach(([ms, v], i) => {
    const tt = BigInt(ms);
    const bits = typeof v === 'bigint' ? v : floatBits(v);
    if (i === 0) {
      uvarint(w, tt >= 0n ? tt << 1n : (-tt << 1n) - 1n);
      w.bits(bits, 64);
    } else {
      const d = tt - t;
      if (i === 1) uvarint(w, d);
      else {
        const dod = d - delta;
        if (dod === 0n) w.bit(0);
        else {
          // bucket prefix and width, as the writer picks them
          const [prefix, prefixBits, size] = bitRange(dod, 14)
            ? [0b10n, 2, 14]
            : bitRange(dod, 17)
              ? [0b110n, 3, 17]
              : bitRange(dod, 20)
                ? [0b1110n, 4, 20]
                : [0b1111n, 4, 64];
          w.bits(prefix, prefixBits);
          w.bits(dod & (size === 64 ? MASK64 : (1n << BigInt(size)) - 1n), size);
        }
      }
      delta = d;
      const x = bits ^ value;
      if (x === 0n) w.bit(0);
      else {
        w.bit(1);
        let lz = leadingZeros(x);
        const tz = trailingZeros(x);
        if (lz >= 32) lz = 31;
        if (leading !== 0xff && lz >= leading && tz >= trailing) {
          w.bit(0);
          w.bits(x >> BigInt(trailing), 64 - leading - trailing);
        } else {
          leading = lz;
          trailing = tz;
          w.bit(1);
          w.bits(BigInt(lz), 5);
          const sig = 64 - lz - tz;
          w.bits(BigInt(sig === 64 ? 0 : sig), 6);
          w.bits(x >> BigInt(tz), sig);
        }
      }
    }
    t = tt;
    value = bits;
  });
  return w.done();
}
