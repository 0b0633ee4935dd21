import fc from 'fast-check';
import { ChunkFormatError, decodeXorChunk, isStale, xorFloat } from '../../../src/sources/prometheus/remoteRead/xor';
import { encodeXorChunk, STALE_NAN_BITS } from '../../support/xorEncode';

const decode = (data: Uint8Array) => {
  const out: Array<[number, number, boolean]> = [];
  decodeXorChunk(data, (ms, hi, lo) => out.push([ms, isStale(hi, lo) ? NaN : xorFloat(hi, lo), isStale(hi, lo)]));
  return out;
};

describe('XOR chunk decoding', () => {
  it('gives back any samples written in the chunk layout: irregular steps, any float, up to 120 samples', () => {
    const sample = fc.tuple(
      fc.integer({ min: 1, max: 2_000_000_000 }), // ms to the next sample: every delta-of-delta bucket
      fc.oneof(
        fc.double({ noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }).map((n) => n / 100),
        fc.constant(0)
      )
    );
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 2e12 }),
        fc.array(sample, { minLength: 1, maxLength: 120 }),
        (t0, xs) => {
          let t = t0;
          const samples = xs.map(([d, v]) => [(t += d), v] as [number, number]);
          expect(decode(encodeXorChunk(samples))).toEqual(samples.map(([ms, v]) => [ms, v, false]));
        }
      ),
      { numRuns: 300 }
    );
  });

  it("reports Prometheus' stale marker as stale, with no value", () => {
    const got = decode(
      encodeXorChunk([
        [1000, 5],
        [16000, STALE_NAN_BITS],
        [31000, 6],
      ])
    );
    expect(got).toEqual([
      [1000, 5, false],
      [16000, NaN, true],
      [31000, 6, false],
    ]);
  });

  it('counts an empty chunk as no samples, and rejects a cut one naming what is wrong', () => {
    expect(decode(Uint8Array.from([0, 0]))).toEqual([]);
    const whole = encodeXorChunk([
      [1000, 1.5],
      [2000, 2.25],
      [3500, 7.125],
    ]);
    expect(() => decode(whole.subarray(0, whole.length - 2))).toThrow(ChunkFormatError);
    expect(() => decode(whole.subarray(0, whole.length - 2))).toThrow(/ends inside a sample/);
    expect(() => decode(Uint8Array.from([1]))).toThrow(/shorter than its header/);
  });
});
