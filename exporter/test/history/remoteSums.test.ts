/**
 * BoundarySums on chunks written for the case: what a query at a boundary sees of a series (its last sample within
 * the lookback, none when that sample is a stale marker), pieces of one series, overlapping chunks, the CPU count.
 */
import { BoundarySums } from '../../src/history/remoteSums';
import { encodeXorChunk, STALE_NAN_BITS } from '../support/xorEncode';

const T0 = 1_796_342_400; // a half-hour boundary, seconds
const NAMES = ['job', 'instance'];
const ms = (s: number) => s * 1000;
const chunk = (samples: Array<[number, number | bigint]>) => ({
  minMs: samples[0]![0],
  maxMs: samples[samples.length - 1]![0],
  encoding: 1,
  data: encodeXorChunk(samples),
});
const labels = (mode: string, cpu = '0') => ({
  __name__: 'node_cpu_seconds_total',
  cpu,
  instance: 'a:9100',
  job: 'node',
  mode,
});
/** [seconds, value] per boundary of one kind for the one target */
const column = (sums: BoundarySums, kind: 'busy' | 'idle' | 'other' | 'cpus') => sums.answers()[kind][0]?.values ?? [];

describe('BoundarySums', () => {
  it('takes the last sample at or before each boundary within 5 minutes, left edge closed (Prometheus 2)', () => {
    const sums = new BoundarySums(T0, T0 + 3600, NAMES);
    // T0: a sample exactly 300 s before; T0+1800: the last sample is 301 s before (none); T0+3600: exactly on it
    sums.add(labels('user'), [
      chunk([
        [ms(T0 - 300), 10],
        [ms(T0 + 1499), 20],
        [ms(T0 + 3600), 30],
      ]),
    ]);
    expect(column(sums, 'busy')).toEqual([
      [T0, 10],
      [T0 + 3600, 30],
    ]);
  });

  it('leaves the sample exactly a lookback before out when the window is open on the left (Prometheus 3)', () => {
    const sums = new BoundarySums(T0, T0 + 1800, NAMES, true);
    sums.add(labels('user'), [
      chunk([
        [ms(T0 - 300), 10],
        [ms(T0 + 1790), 20],
      ]),
    ]);
    expect(column(sums, 'busy')).toEqual([[T0 + 1800, 20]]);
  });

  it('gives no value after a stale marker, until the series comes back', () => {
    const sums = new BoundarySums(T0, T0 + 5400, NAMES);
    sums.add(labels('idle'), [
      chunk([
        [ms(T0 - 10), 1],
        [ms(T0 + 1700), 2],
        [ms(T0 + 1710), STALE_NAN_BITS],
        [ms(T0 + 3500), 3],
      ]),
    ]);
    expect(column(sums, 'idle')).toEqual([
      [T0, 1],
      [T0 + 3600, 3],
    ]);
    expect(column(sums, 'cpus')).toEqual([
      [T0, 1],
      [T0 + 3600, 1],
    ]);
  });

  it('continues a series sent in pieces, reads overlapping chunks once, and sums per target and state', () => {
    const sums = new BoundarySums(T0, T0 + 1800, NAMES);
    sums.add(labels('user'), [
      chunk([
        [ms(T0 - 60), 5],
        [ms(T0 + 600), 6],
      ]),
    ]);
    // the next piece of the same series: it repeats the T0 + 600 sample (an overlapping chunk) and adds T0 + 1750
    sums.add(labels('user'), [
      chunk([
        [ms(T0 + 600), 6],
        [ms(T0 + 1750), 7],
      ]),
    ]);
    sums.add(labels('system'), [
      chunk([
        [ms(T0), 100],
        [ms(T0 + 1800), 200],
      ]),
    ]);
    sums.add(labels('steal'), [
      chunk([
        [ms(T0), 1],
        [ms(T0 + 1800), 2],
      ]),
    ]);
    sums.add(labels('idle', '0'), [
      chunk([
        [ms(T0), 1000],
        [ms(T0 + 1800), 2000],
      ]),
    ]);
    sums.add(labels('idle', '1'), [chunk([[ms(T0 + 1700), 50]])]);
    expect(column(sums, 'busy')).toEqual([
      [T0, 105],
      [T0 + 1800, 207],
    ]);
    expect(column(sums, 'other')).toEqual([
      [T0, 1],
      [T0 + 1800, 2],
    ]);
    expect(column(sums, 'idle')).toEqual([
      [T0, 1000],
      [T0 + 1800, 2050],
    ]);
    expect(column(sums, 'cpus')).toEqual([
      [T0, 1],
      [T0 + 1800, 2],
    ]);
    expect(sums.samples).toBe(11);
  });

  it('rejects a chunk that is not XOR, naming the series', () => {
    const sums = new BoundarySums(T0, T0 + 1800, NAMES);
    const c = { ...chunk([[ms(T0), 1]]), encoding: 2 };
    expect(() => sums.add(labels('user'), [c])).toThrow(/encoding 2 in a float series .*"mode":"user"/);
  });
});
